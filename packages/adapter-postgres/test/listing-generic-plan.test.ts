import { systemScope } from '@stowage/core';
import { sql } from 'kysely';
import { directoryQuery } from '../src/listing/list-directory';
import { createTestMetadataStore, type TestMetadataStore } from '../src/testing';
import { bucketNamed } from './support/fixtures';

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

  it('reads only the page’s rows, though made while the table was empty', async () => {
    const compiled = directoryQuery({
      bucketId: 'fresh',
      prefix: 'docs/',
      limit: 100,
      offset: 0,
      sortBy: { column: 'name', order: 'asc' },
    }).compile(made.store.db);
    const execute = `execute stowage_fresh_list(${compiled.parameters.map(literal).join(', ')})`;
    const plan = await made.store.db.connection().execute(async (connection) => {
      await sql.raw(`set plan_cache_mode = force_generic_plan`).execute(connection);
      await sql.raw(`prepare stowage_fresh_list as ${compiled.sql}`).execute(connection);
      await sql.raw(execute).execute(connection);
      await sql`
        insert into storage.objects (bucket_id, name)
        select 'fresh', case when i % 2 = 0 then 'docs/' || i || '.txt' else 'other/' || i || '/x.txt' end
        from generate_series(1, 20000) as i`.execute(connection);
      const { rows } = await sql
        .raw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (analyze, format json) ${execute}`)
        .execute(connection);
      await sql.raw('deallocate stowage_fresh_list').execute(connection);
      await sql.raw('reset plan_cache_mode').execute(connection);
      return nodes(rows[0]?.['QUERY PLAN'][0].Plan as PlanNode);
    });
    const read = plan.filter((node) => node['Relation Name'] === 'objects');
    expect(read.length).toBeGreaterThan(0);
    for (const node of read) expect(node['Actual Rows'] * node['Actual Loops']).toBeLessThanOrEqual(200);
  });
});
