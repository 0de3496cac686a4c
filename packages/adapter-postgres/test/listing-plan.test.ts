import { type ListObjectsQuery, type ListObjectsV2Query, systemScope } from '@stowage/core';
import { type RawBuilder, sql } from 'kysely';
import { directoryQuery } from '../src/listing/list-directory';
import { pageQuery } from '../src/listing/list-page';
import { createTestMetadataStore, type TestMetadataStore } from '../src/testing';
import { bucketNamed, directoryListing, pageListing } from './support/fixtures';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

let made: TestMetadataStore;
beforeAll(async () => {
  made = await createTestMetadataStore(process.env.DATABASE_URL);
  await made.store.transaction(systemScope('test'), (tx) => tx.createBucket(bucketNamed('plans')));
  // 200 folders of 100 objects: 40 files directly inside, 50 under photos/, 10 under archive/<n>/.
  await sql`
    insert into storage.objects (bucket_id, name)
    select 'plans', 'u' || lpad((i % 200)::text, 4, '0') || '/' || case
      when (i / 200) % 10 < 4 then 'doc-' || i || '.pdf'
      when (i / 200) % 10 < 9 then 'photos/' || i || '.jpg'
      else 'archive/' || (i % 7) || '/' || i || '.bin'
    end
    from generate_series(0, 19999) as i`.execute(made.store.db);
  await sql`analyze storage.objects`.execute(made.store.db);
  await sql`create policy "own folder" on storage.objects for select to authenticated
    using ((storage.foldername(name))[1] = auth.jwt() ->> 'folder')`.execute(made.store.db);
});
afterAll(() => made?.cleanup());

/** The plan of a listing statement, as the service or as a user under the folder policy. */
async function planOf(
  statement: RawBuilder<unknown>,
  as: 'service_role' | 'authenticated',
): Promise<PlanNode[]> {
  return made.store.db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${as}, true),
                     set_config('request.jwt.claims', ${JSON.stringify({ role: as, folder: 'u0042' })}, true)`.execute(
      trx,
    );
    const { rows } = await sql<{
      'QUERY PLAN': [{ Plan: PlanNode }];
    }>`explain (format json) ${statement}`.execute(trx);
    const plan = rows[0]?.['QUERY PLAN'][0].Plan;
    if (!plan) throw new Error('no plan');
    return nodes(plan);
  });
}

const v1 = (query: Partial<ListObjectsQuery>) => directoryListing('plans', 'u0042/', query);
const v2 = (query: Partial<ListObjectsV2Query>) => pageListing('plans', 'u0042/', query);

const neverScansTheTable = (plan: PlanNode[]) =>
  expect(
    plan.filter((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'objects'),
  ).toEqual([]);
const indexes = (plan: PlanNode[]) => new Set(plan.map((node) => node['Index Name']).filter(Boolean));

const underAFolder = [
  ['a folder (v1)', directoryQuery(v1({}))],
  ['a folder, descending (v1)', directoryQuery(v1({ sortBy: { column: 'name', order: 'desc' } }))],
  ['a folder with a search (v1)', directoryQuery(v1({ search: 'doc' }))],
  ['a folder by date (v1)', directoryQuery(v1({ sortBy: { column: 'updated_at', order: 'desc' } }))],
  ['a page with the delimiter (v2)', pageQuery(v2({}))],
  ['a page without the delimiter (v2)', pageQuery(v2({ withDelimiter: false }))],
  ['a page by date (v2)', pageQuery(v2({ sortBy: { column: 'created_at', order: 'asc' } }))],
] as const;
const atTheRoot = [
  ['the root (v1)', directoryQuery(v1({ prefix: '' }))],
  ['the root (v2)', pageQuery(v2({ prefix: '' }))],
] as const;

describe('listing plans as service_role', () => {
  it.each([...underAFolder, ...atTheRoot])(
    'lists %s from the indexes, never scanning the table',
    async (_, statement) => {
      neverScansTheTable(await planOf(statement, 'service_role'));
    },
  );

  it('finds the folders of v1 by the (bucket_id, stowage_depth, name "C") index', async () => {
    expect(indexes(await planOf(directoryQuery(v1({})), 'service_role'))).toContain(
      'stowage_objects_bucket_stowage_depth_name',
    );
  });
});

// Under a policy Postgres only lets leakproof conditions into an index scan: the bucket, the name range
// (text comparisons) and the depth (an integer comparison) all qualify, so the planner picks the index by
// cost. A folder's range keeps the scan to that folder; at the root the range is the whole bucket, which
// the policy must read.
describe('listing plans as authenticated, under a policy', () => {
  it.each(underAFolder)("lists %s within the folder's key range", async (_, statement) => {
    const plan = await planOf(statement, 'authenticated');
    neverScansTheTable(plan);
    expect(indexes(plan)).toContain('idx_objects_bucket_id_name');
  });
});
