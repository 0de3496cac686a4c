import { systemScope } from '@stowage/core';
import { sql } from 'kysely';
import { createTestMetadataStore, type TestMetadataStore } from '../src/testing';
import { bucketNamed } from './support/fixtures';

let made: TestMetadataStore;
beforeAll(async () => {
  made = await createTestMetadataStore(process.env.DATABASE_URL);
});
afterAll(() => made?.cleanup());

const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(made.store.db)).rows[0];

describe('the storage schema', () => {
  it('has row level security on every storage table and no policy of its own', async () => {
    const { rows } = await sql<{ relname: string; relrowsecurity: boolean }>`
      select relname, relrowsecurity from pg_class
      where relnamespace = 'storage'::regnamespace and relkind = 'r' order by relname`.execute(made.store.db);
    expect(rows).toEqual(
      [
        'buckets',
        'migrations',
        'objects',
        'resumable_uploads',
        's3_multipart_uploads',
        's3_multipart_uploads_parts',
      ].map((relname) => ({
        relname,
        relrowsecurity: true,
      })),
    );
    expect(
      await one(sql`select count(*)::int as count from pg_policies where schemaname = 'storage'`),
    ).toEqual({
      count: 0,
    });
  });

  it('gives policies foldername, filename and extension as the reference defines them', async () => {
    expect(
      await one(sql`select storage.foldername('a/b/c.tar.gz') as folders, storage.filename('a/b/c.tar.gz') as file,
                    storage.extension('a/b/c.tar.gz') as ext, storage.foldername('top.txt') as none,
                    storage.extension('a/README') as bare`),
    ).toEqual({ folders: ['a', 'b'], file: 'c.tar.gz', ext: 'gz', none: [], bare: 'README' });
  });

  it('refuses a bucket name longer than 100 characters in the database too', async () => {
    await expect(
      sql`insert into storage.buckets (id, name) values ('long', ${'x'.repeat(101)})`.execute(made.store.db),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('derives path_tokens and stamps updated_at on update', async () => {
    await made.store.transaction(systemScope('test'), (tx) => tx.createBucket(bucketNamed('schema')));
    await sql`insert into storage.objects (bucket_id, name, updated_at) values ('schema', 'docs/2024/a.txt', '2000-01-01')`.execute(
      made.store.db,
    );
    await sql`update storage.objects set metadata = '{}' where name = 'docs/2024/a.txt'`.execute(
      made.store.db,
    );
    expect(
      await one(sql`select path_tokens, updated_at > '2001-01-01' as stamped from storage.objects
                    where name = 'docs/2024/a.txt'`),
    ).toEqual({ path_tokens: ['docs', '2024', 'a.txt'], stamped: true });
  });

  it('keeps storage.search callable with the reference signature', async () => {
    for (const name of ['docs/a.txt', 'docs/sub/b.txt', 'docs/sub/c.txt', 'other.txt']) {
      await sql`insert into storage.objects (bucket_id, name) values ('schema', ${name})`.execute(
        made.store.db,
      );
    }
    const { rows } = await sql<{ name: string; id: string | null }>`
      select name, id from storage.search('docs/', 'schema', 100, 2, 0, '', 'name', 'asc')`.execute(
      made.store.db,
    );
    expect(rows.map((row) => [row.name, row.id === null])).toEqual([
      ['2024', true],
      ['sub', true],
      ['a.txt', false],
    ]);
  });

  it("gives callers' roles no privilege on resumable uploads' state", async () => {
    expect(
      await one(sql`select bool_or(has_table_privilege(r, 'storage.resumable_uploads', 'select,insert,update,delete'))
                      as any from unnest(array['anon', 'authenticated', 'service_role']) as r`),
    ).toEqual({ any: false });
  });
});
