import { setTimeout as sleep } from 'node:timers/promises';
import { type Scope, systemScope } from '@stowage/core';
import { sql } from 'kysely';
import { Client } from 'pg';
import { createTestMetadataStore, type TestMetadataStore } from '../src/testing';
import { lastStatementOf } from './support/backend-activity';
import { bucketNamed, failureOf, objectRow } from './support/fixtures';
import { type HoldingProxy, startHoldingProxy } from './support/holding-proxy';

const databaseUrl = process.env.DATABASE_URL;
const onPostgres = databaseUrl ? describe : describe.skip;

const alice: Scope = {
  caller: {
    role: 'authenticated',
    claims: { role: 'authenticated', sub: '11111111-1111-4111-8111-111111111111' },
    token: 'header.payload.signature',
  },
  operation: 'object.get',
  request: { method: 'GET', path: '/object/b/k', headers: { 'x-team': 'blue' } },
};
const service = systemScope('test');

const row = (name: string) => objectRow('b', name);

const codeOf = (promise: Promise<unknown>) => failureOf(promise).then((failure) => failure.split(':')[0]);

async function withBucket(made: TestMetadataStore) {
  await made.store.transaction(service, (tx) => tx.createBucket(bucketNamed('b')));
  return made;
}

describe('the session of a unit of work', () => {
  let made: TestMetadataStore;
  beforeAll(async () => {
    made = await withBucket(await createTestMetadataStore(databaseUrl, { poolSize: 1 }));
  });
  afterAll(() => made?.cleanup());

  const session = async () => {
    const { rows } = await sql<Record<string, string | null>>`
      select current_user = session_user as own_user,
             current_setting('request.jwt.claims', true) as claims,
             current_setting('request.jwt.claim.sub', true) as sub,
             current_setting('request.jwt', true) as jwt,
             current_setting('request.headers', true) as headers,
             current_setting('storage.operation', true) as operation`.execute(made.store.db);
    return rows[0];
  };
  const clean = { own_user: true, claims: '', sub: '', jwt: '', headers: '', operation: '' };
  const blank = (settings: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.entries(settings ?? {}).map(([key, value]) => [key, value ?? '']));

  it('leaves nothing of the role or claims on the connection after a commit', async () => {
    await made.store.transaction(alice, (tx) => tx.findObject('b', 'k'));
    expect(blank(await session())).toEqual(clean);
  });

  it('leaves nothing after a unit of one statement, run without a begin and a commit of its own', async () => {
    await made.store.transaction(alice, (tx) => tx.findObject('b', 'k'), { oneStatement: true });
    expect(blank(await session())).toEqual(clean);
  });

  it('leaves nothing after a unit of one statement that failed', async () => {
    const attempt = made.store.transaction(alice, (tx) => tx.insertObject(row('k')), { oneStatement: true });
    expect(await codeOf(attempt)).toBe('AccessDenied');
    expect(blank(await session())).toEqual(clean);
  });

  it('leaves nothing after a dry run', async () => {
    await made.store.dryRun(alice, (tx) => tx.findObject('b', 'k'));
    expect(blank(await session())).toEqual(clean);
  });

  it('leaves nothing after a failed unit of work', async () => {
    await expect(made.store.transaction(alice, (tx) => tx.insertObject(row('k')))).rejects.toMatchObject({
      code: 'AccessDenied',
    });
    expect(blank(await session())).toEqual(clean);
  });
});

onPostgres('timeouts on Postgres', () => {
  let made: TestMetadataStore;
  beforeAll(async () => {
    made = await withBucket(
      await createTestMetadataStore(databaseUrl, {
        poolSize: 2,
        connectionTimeoutMs: 300,
        statementTimeoutMs: 500,
      }),
    );
    await made.store.transaction(service, (tx) => tx.insertObject(row('locked')));
  });
  afterAll(() => made?.cleanup());

  /** Holds a unit of work open (and its connection and row locks) until the returned release is called. */
  const hold = (
    work: (tx: Parameters<Parameters<typeof made.store.transaction>[1]>[0]) => Promise<unknown>,
  ) => {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const done = made.store.transaction(service, async (tx) => {
      await work(tx);
      started();
      await released;
    });
    return { running, release, done };
  };

  it('reports a wait on a locked row past statement_timeout as DatabaseTimeout', async () => {
    const holder = hold((tx) => tx.upsertObject(row('locked')));
    await holder.running;
    const blocked = made.store.transaction(service, (tx) => tx.upsertObject(row('locked')));
    expect(await codeOf(blocked)).toBe('DatabaseTimeout');
    holder.release();
    await holder.done;
  });

  it('reports a pool with no free connection as DatabaseTimeout', async () => {
    const holders = [hold((tx) => tx.findObject('b', 'x')), hold((tx) => tx.findObject('b', 'y'))];
    await Promise.all(holders.map((holder) => holder.running));
    expect(await codeOf(made.store.transaction(service, (tx) => tx.findObject('b', 'z')))).toBe(
      'DatabaseTimeout',
    );
    for (const holder of holders) holder.release();
    await Promise.all(holders.map((holder) => holder.done));
  });
});

onPostgres('round trips on Postgres', () => {
  let proxy: HoldingProxy;
  let observer: Client;
  let made: TestMetadataStore;
  beforeAll(async () => {
    proxy = await startHoldingProxy(databaseUrl as string);
    observer = new Client({ connectionString: databaseUrl });
    await observer.connect();
    made = await withBucket(await createTestMetadataStore(proxy.url, { poolSize: 1 }));
  });
  afterAll(async () => {
    proxy?.release();
    await made?.cleanup();
    await observer?.end();
    await proxy?.close();
  });

  it('sends the first read of a unit of work with begin and the session settings: one round trip', async () => {
    const { pid } = await sql<{ pid: number }>`select pg_backend_pid() as pid`
      .execute(made.store.db)
      .then(({ rows }) => rows[0] ?? { pid: 0 });
    proxy.hold();
    const found = made.store.transaction(alice, (tx) => tx.findObject('b', 'k'));
    expect(await lastStatementOf(observer, pid, 'idle in transaction')).toMatch(
      /^select .* from "storage"."objects" where "bucket_id" = \$1 and "name" = \$2$/,
    );
    proxy.release();
    expect(await found).toBeUndefined();
  });

  it('sends a unit of one statement with the session settings and ends it there: one round trip', async () => {
    const { pid } = await sql<{ pid: number }>`select pg_backend_pid() as pid`
      .execute(made.store.db)
      .then(({ rows }) => rows[0] ?? { pid: 0 });
    proxy.hold();
    const inserted = made.store.transaction(service, (tx) => tx.insertObject(row('one')), {
      oneStatement: true,
    });
    // Ended before any answer came back: the backend is idle, out of any transaction, after the insert.
    for (let tries = 0; !/^with "inserted"/.test(await lastStatementOf(observer, pid, 'idle')); tries++) {
      if (tries > 100) throw new Error('the insert never ended on the server');
      await sleep(10);
    }
    proxy.release();
    expect(await inserted).toMatchObject({ name: 'one' });
    expect(await made.store.transaction(service, (tx) => tx.findObject('b', 'one'))).toMatchObject({
      name: 'one',
    });
  });
});
