import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  bytesOf,
  createMigrationWorld,
  type MigrationWorld,
  runStowage,
  type Seeded,
  seed,
} from './migration-fixture';

const MIB = 1024 * 1024;

/**
 * A proxy in front of S3 that flips the first byte of every single-part PUT's body on the way, as a
 * faulty network or disk would: S3 stores, and answers with the ETag of, bytes other than those sent.
 */
async function garblingProxy(target: string): Promise<{ endpoint: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (incoming.method === 'PUT' && !incoming.url?.includes('?') && body.length > 0)
      body.writeUInt8(body.readUInt8(0) ^ 0xff, 0);
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    for (const [name, value] of Object.entries(incoming.headers))
      if (value !== undefined) forwarded.setHeader(name, value);
    forwarded.once('error', () => outgoing.destroy());
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Small objects of every shape, and one above the S3 part size, so it becomes a multipart upload. */
const objects = () => [
  { name: 'empty.txt', bytes: Buffer.alloc(0) },
  { name: 'folder/nested/deep.bin', bytes: randomBytes(70_000) },
  { name: 'ünïcødé/名前 with spaces.txt', bytes: Buffer.from('héllo wörld') },
  { name: 'big.bin', bytes: randomBytes(9 * MIB) },
  ...Array.from({ length: 20 }, (_, i) => ({ name: `many/${i}.txt`, bytes: randomBytes(100 + i) })),
];

async function expectSameBytes(world: MigrationWorld, to: 'file' | 's3', seeded: readonly Seeded[]) {
  for (const object of seeded) expect((await bytesOf(world[to], object.key)).equals(object.bytes)).toBe(true);
}

describe('stowage migrate-blobs', () => {
  describe('from file to s3', () => {
    let world: MigrationWorld;
    let seeded: Seeded[];

    beforeAll(async () => {
      world = await createMigrationWorld();
      const metadata = await world.openMetadata();
      seeded = [
        ...(await seed(metadata, world.file, 'photos', objects())),
        ...(await seed(metadata, world.file, 'docs', [{ name: 'readme.md', bytes: Buffer.from('# docs') }])),
      ];
      await metadata.close();
    }, 300_000);

    afterAll(() => world?.close());

    it('writes nothing on a dry run, and says what it would copy', async () => {
      const run = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3', '--dry-run']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${seeded.length} would-copy`);
      for (const object of seeded) expect(await world.s3.head(object.key)).toBeUndefined();
    });

    it('copies every object byte for byte, and a re-run copies nothing again', async () => {
      const first = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3']);
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toContain(`${seeded.length} objects`);
      expect(first.stdout).toContain(`${seeded.length} copied`);
      await expectSameBytes(world, 's3', seeded);

      const again = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3']);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`${seeded.length} present`);
      expect(again.stdout).not.toContain('copied,');

      const verify = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3', '--verify-only']);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toContain(`${seeded.length} verified`);
    }, 300_000);

    it('finds a destination object with other bytes of the same size, and a re-run replaces it', async () => {
      const victim = seeded.find((object) => object.name === 'folder/nested/deep.bin') as Seeded;
      await world.s3.put(victim.key, Readable.from([randomBytes(victim.bytes.length)]));

      const verify = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3', '--verify-only']);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain(`FAILED photos/folder/nested/deep.bin (blob ${victim.key}): differs`);
      expect(verify.stdout).toContain(`${seeded.length - 1} verified, 1 failed`);

      const repair = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3']);
      expect(repair.code).toBe(0);
      expect(repair.stdout).toContain('1 replaced');
      await expectSameBytes(world, 's3', [victim]);
    }, 300_000);

    it('names an object whose source blob is missing, copies the others and exits non-zero', async () => {
      const metadata = await world.openMetadata();
      const one = (bucketId: string, text: string) =>
        seed(metadata, world.file, bucketId, [{ name: `${bucketId}.txt`, bytes: Buffer.from(text) }]);
      const [lost] = (await one('lost', 'x')) as [Seeded];
      const [kept] = (await one('kept', 'y')) as [Seeded];
      await metadata.close();
      await world.file.delete([lost.key]);

      const run = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3']);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `FAILED lost/lost.txt (blob ${lost.key}): missing from the source backend`,
      );
      expect(run.stdout).toContain('1 copied');
      await expectSameBytes(world, 's3', [kept]);
    }, 300_000);
  });

  describe('from file to s3, through a network that garbles what S3 receives', () => {
    let world: MigrationWorld;
    let seeded: Seeded[];

    beforeAll(async () => {
      world = await createMigrationWorld();
      const metadata = await world.openMetadata();
      seeded = await seed(metadata, world.file, 'garbled', [{ name: 'a.txt', bytes: randomBytes(1000) }]);
      await metadata.close();
    }, 300_000);

    afterAll(() => world?.close());

    it('finds the copy differs by the ETag S3 answered the PUT with, and a re-run replaces it', async () => {
      const proxy = await garblingProxy(world.s3rver.endpoint);
      const [object] = seeded as [Seeded];
      try {
        const run = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3'], {
          STORAGE_S3_ENDPOINT: proxy.endpoint,
        });
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(
          `FAILED garbled/a.txt (blob ${object.key}): differs at the destination after the copy`,
        );
      } finally {
        await new Promise((resolve) => proxy.server.close(resolve));
      }
      const repair = await world.run(['migrate-blobs', '--from', 'file', '--to', 's3']);
      expect(repair.code).toBe(0);
      expect(repair.stdout).toContain('1 replaced');
      await expectSameBytes(world, 's3', seeded);
    }, 300_000);
  });

  describe('from s3 to file, interrupted', () => {
    let world: MigrationWorld;
    let seeded: Seeded[];

    beforeAll(async () => {
      world = await createMigrationWorld();
      const metadata = await world.openMetadata();
      const many = Array.from({ length: 400 }, (_, i) => ({
        name: `item-${String(i).padStart(4, '0')}`,
        bytes: randomBytes(16_384),
      }));
      seeded = await seed(metadata, world.s3, 'archive', many);
      await metadata.close();
    }, 300_000);

    afterAll(() => world?.close());

    it('leaves no partial object when killed, and a re-run finishes only what is left', async () => {
      const child = world.spawn(['migrate-blobs', '--from', 's3', '--to', 'file', '--concurrency', '2']);
      const exited = once(child, 'exit');
      const byName = [...seeded].sort((a, b) => a.name.localeCompare(b.name));
      const landmark = byName[30] as Seeded;
      while (child.exitCode === null && !(await world.file.head(landmark.key))) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      child.kill('SIGKILL');
      await exited;
      const present = (await Promise.all(seeded.map((object) => world.file.head(object.key)))).filter(
        Boolean,
      );
      expect(present.length).toBeGreaterThan(0);
      expect(present.length).toBeLessThan(seeded.length);

      const verify = await world.run(['migrate-blobs', '--from', 's3', '--to', 'file', '--verify-only']);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain(`${present.length} verified, ${seeded.length - present.length} failed`);
      expect(verify.stdout).not.toContain('differs');

      const resume = await world.run(['migrate-blobs', '--from', 's3', '--to', 'file']);
      expect(resume.code).toBe(0);
      expect(resume.stdout).toContain(`${seeded.length - present.length} copied, ${present.length} present`);
      await expectSameBytes(world, 'file', seeded);
    }, 400_000);
  });

  describe('refuses bad arguments with a clear message and exit code 2', () => {
    const env = { ...process.env, STORAGE_S3_BUCKET: 'bucket', STORAGE_S3_ENDPOINT: 'http://127.0.0.1:1' };

    it.each([
      [['migrate-blobs', '--from', 'file'], "required option '--to <backend>' not specified"],
      [['migrate-blobs', '--from', 'file', '--to', 'gcs'], 'Allowed choices are file, s3'],
      [['migrate-blobs', '--from', 'file', '--to', 'file'], '--from and --to must name different backends'],
      [['migrate-blobs', '--from', 'file', '--to', 's3', '--concurrency', '0'], 'must be a positive integer'],
      [
        ['migrate-blobs', '--from', 'file', '--to', 's3', '--dry-run', '--verify-only'],
        'cannot be used with',
      ],
      [['copy-everything'], "unknown command 'copy-everything'"],
      [['migrate-blobs', '--from', 's3', '--to', 'file'], 'needs AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY'],
    ])('%j', async (args, message) => {
      const run = await runStowage(args, {
        ...env,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });
});
