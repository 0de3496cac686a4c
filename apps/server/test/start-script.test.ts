import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../scripts/bundle';

describe('pnpm start', () => {
  it('runs the compiled server with the node flags the benches measure it with', async () => {
    const manifest = JSON.parse(await readFile(path.join(__dirname, '../package.json'), 'utf8'));
    expect(manifest.scripts.start).toBe(
      `tsx scripts/bundle.ts && node ${SERVER_NODE_FLAGS.join(' ')} dist/main.js`,
    );
  });
});
