import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** What a call of the client hands back, recorded in turn under the class that type definitions give it. */
const resultClass: Record<string, string> = {
  'StorageClient.from': 'StorageFileApi',
  'StorageFileApi.download': 'BlobDownloadBuilder',
};

/** The classes a user of `StorageClient` reaches, and what the suite must call on each. */
const SURFACE = ['StorageClient', 'StorageFileApi', 'BlobDownloadBuilder'] as const;

const isPublic = (member: ts.ClassElement) =>
  !ts
    .getModifiers(member as ts.MethodDeclaration)
    ?.some((modifier) =>
      [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword].includes(modifier.kind),
    );

/**
 * Every public method and getter of the installed @supabase/storage-js's `StorageClient`, of the
 * `StorageFileApi` that `from()` returns and of the `BlobDownloadBuilder` that `download()` returns,
 * inherited ones included, as `Class.member`, read from the package's own type definitions.
 */
export function storageJsPublicMembers(): string[] {
  const manifestPath = require.resolve('@supabase/storage-js/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { types: string };
  const typesPath = join(dirname(manifestPath), manifest.types);
  const source = ts.createSourceFile(typesPath, readFileSync(typesPath, 'utf8'), ts.ScriptTarget.Latest);
  const classes = new Map<string, { members: string[]; base?: string }>();
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    const members = statement.members
      .filter((member) => ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member))
      .filter(isPublic)
      .map((member) => (member.name as ts.Identifier).text);
    const base = statement.heritageClauses
      ?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)
      ?.types[0]?.expression.getText(source);
    classes.set(statement.name.text, { members, ...(base && { base }) });
  }
  const all = new Set<string>();
  for (const name of SURFACE) {
    for (
      let current = classes.get(name);
      current;
      current = current.base ? classes.get(current.base) : undefined
    ) {
      for (const member of current.members) all.add(`${name}.${member}`);
    }
  }
  return [...all].sort();
}

/**
 * Wraps a client so that every member the test touches is recorded as `Class.member` in `calls`. Members
 * run on the unwrapped object, so the client's calls to its own methods are not counted as the test's.
 */
export function recordingCalls<T extends object>(target: T, className: string, calls: Set<string>): T {
  return new Proxy(target, {
    get(object, name) {
      const value: unknown = Reflect.get(object, name, object);
      if (typeof name !== 'string') return value;
      const member = `${className}.${name}`;
      calls.add(member);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(object, args);
        if (result === object) return recordingCalls(object, className, calls);
        const wrapAs = resultClass[member];
        return wrapAs ? recordingCalls(result as object, wrapAs, calls) : result;
      };
    },
  });
}
