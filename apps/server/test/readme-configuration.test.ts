import { readFileSync } from 'node:fs';
import path from 'node:path';
import { environmentSchema } from '../src/config';

const README = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');

/** The README's configuration table: each variable with the default written beside it. */
function documentedVariables(): Map<string, string> {
  const section = /## Configuration\n([\s\S]*?)\n## /.exec(README)?.[1] ?? '';
  const variables = new Map<string, string>();
  for (const line of section.split('\n').filter((row) => /^\| `[A-Z]/.test(row))) {
    const [names = '', defaults = ''] = line.split(' | ').map((cell) => cell.replace(/^\| /, ''));
    const nameList = [...names.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1] as string);
    const defaultList = defaults.split(', ');
    nameList.forEach((name, i) => {
      variables.set(name, defaultList.length === nameList.length ? (defaultList[i] as string) : defaults);
    });
  }
  return variables;
}

describe("the README's configuration table", () => {
  const documented = documentedVariables();
  const defaults = environmentSchema.parse({}) as Record<string, unknown>;

  it('lists every variable the configuration reads, and no other', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(environmentSchema.shape).sort());
  });

  it('gives every default as the configuration applies it', () => {
    for (const [name, value] of Object.entries(defaults)) {
      if (value === undefined) continue;
      expect(`${name}: ${documented.get(name)}`).toBe(`${name}: \`${String(value)}\``);
    }
  });
});
