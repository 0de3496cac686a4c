import { type ListObjectsQuery, type ListObjectsV2Query, systemScope } from '@stowage/core';
import { sql } from 'kysely';
import { directoryQuery } from '../src/listing/list-directory';
import { pageQuery } from '../src/listing/list-page';
import { createTestMetadataStore, type TestMetadataStore } from '../src/testing';
import { bucketNamed, directoryListing, pageListing } from './support/fixtures';

const databaseUrl = process.env.DATABASE_URL;
const onPostgres = databaseUrl ? describe : describe.skip;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
const literal = (value: unknown) =>
  typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`;

// Postgres runs a prepared listing with its generic plan after five runs under a policy (measured), and
// keeps that plan on the connection until the table is analyzed: a plan made while the table looked empty
// must still read only what the page needs once the bucket is full, where nothing analyzes (autovacuum off).
onPostgres('the listing’s generic plan', () => {
  let made: TestMetadataStore;
  beforeAll(async () => {
    made = await createTestMetadataStore(databaseUrl);
    await made.store.transaction(systemScope('test'), (tx) => tx.createBucket(bucketNamed('fresh')));
  });
  afterAll(() => made?.cleanup());

  const query = (overrides: Partial<ListObjectsQuery>) => directoryListing('fresh', 'docs/', overrides);
  const page = (overrides: Partial<ListObjectsV2Query>) => pageListing('fresh', 'docs/', overrides);
  const listings = {
    'a folder': directoryQuery(query({})),
    'a folder, descending': directoryQuery(query({ sortBy: { column: 'name', order: 'desc' } })),
    'a folder with a search': directoryQuery(query({ search: '1' })),
    'a folder by date': directoryQuery(query({ sortBy: { column: 'updated_at', order: 'desc' } })),
    'the second page of a folder': directoryQuery(query({ offset: 100 })),
    'a v2 page with the delimiter': pageQuery(page({})),
    'a v2 page without the delimiter': pageQuery(page({ withDelimiter: false })),
    'a v2 page after a key': pageQuery(page({ startAfter: 'docs/5' })),
    'a v2 page by date': pageQuery(page({ sortBy: { column: 'created_at', order: 'asc' } })),
  };

  it('reads only the pages’ rows, though made while the table was empty', async () => {
    const statements = Object.entries(listings).map(([title, listing], i) => {
      const compiled = listing.compile(made.store.db);
      const name = `stowage_fresh_list_${i}`;
      return {
        title,
        prepare: `prepare ${name} as ${compiled.sql}`,
        execute: `execute ${name}(${compiled.parameters.map(literal).join(', ')})`,
      };
    });
    const read = await made.store.db.connection().execute(async (connection) => {
      await sql.raw('set plan_cache_mode = force_generic_plan').execute(connection);
      for (const { prepare, execute } of statements) {
        await sql.raw(prepare).execute(connection);
        await sql.raw(execute).execute(connection);
      }
      await sql`
        insert into storage.objects (bucket_id, name)
        select 'fresh', case when i % 2 = 0 then 'docs/' || i || '.txt' else 'other/' || i || '/x.txt' end
        from generate_series(1, 20000) as i`.execute(connection);
      const most: Record<string, number> = {};
      for (const { title, execute } of statements) {
        const { rows } = await sql
          .raw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (analyze, format json) ${execute}`)
          .execute(connection);
        const scans = nodes(rows[0]?.['QUERY PLAN'][0].Plan as PlanNode).filter(
          (node) => node['Relation Name'] === 'objects',
        );
        most[title] = Math.max(...scans.map((node) => node['Actual Rows'] * node['Actual Loops']));
      }
      await sql.raw('deallocate all').execute(connection);
      await sql.raw('reset plan_cache_mode').execute(connection);
      return most;
    });
    // At most the page and the rows before it (v2 reads one more); by date, the folder's 10,000 files.
    expect(read).toEqual({
      'a folder': 100,
      'a folder, descending': 100,
      'a folder with a search': 100,
      'a folder by date': 10000,
      'the second page of a folder': 200,
      'a v2 page with the delimiter': 101,
      'a v2 page without the delimiter': 101,
      'a v2 page after a key': 101,
      'a v2 page by date': 10000,
    });
  });
});
