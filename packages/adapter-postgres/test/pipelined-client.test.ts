import { PipelinedClient } from '../src/pipelined-client';
import { failureOf } from './support/fixtures';

const databaseUrl = process.env.DATABASE_URL;
const onPostgres = databaseUrl ? describe : describe.skip;

onPostgres('PipelinedClient', () => {
  let client: PipelinedClient;
  beforeEach(async () => {
    client = new PipelinedClient({ connectionString: databaseUrl });
    await client.connect();
  });
  afterEach(() => client.end());

  it('runs the statements after begin inside its transaction', async () => {
    await client.query('begin');
    await client.query(`select set_config('stowage.test', $1, true)`, ['inside']);
    const { rows } = await client.query(`select current_setting('stowage.test', true) as setting`);
    await client.query('commit');
    const after = await client.query(`select current_setting('stowage.test', true) as setting`);
    expect([rows[0].setting, after.rows[0].setting ?? '']).toEqual(['inside', '']);
  });

  it('fails the statement after begin when begin failed, even if that statement itself succeeded', async () => {
    await client.query('begin');
    await expect(client.query('select 1 / 0')).rejects.toThrow('division by zero');
    // Inside an aborted transaction begin fails, while the rollback sent with it succeeds.
    await client.query('begin');
    expect(await failureOf(client.query('rollback'))).toMatch(/current transaction is aborted/);
    const { rows } = await client.query('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  const beforeTheNextTurn = <T>(promise: Promise<T>) =>
    Promise.race([promise, new Promise<'next turn'>((resolve) => setImmediate(() => resolve('next turn')))]);

  it('does not wait for the commit of a transaction that only read, and begins the next one after it', async () => {
    await client.query('begin');
    await client.query(`select set_config('stowage.test', $1, true)`, ['inside']);
    // Answered before the commit could even have left: nothing is waited for.
    expect(await beforeTheNextTurn(client.query('commit'))).toMatchObject({ command: 'COMMIT' });
    await client.query('begin');
    const { rows } = await client.query(`select current_setting('stowage.test', true) as setting`);
    await client.query('commit');
    expect(rows[0].setting ?? '').toBe('');
  });

  it('waits for the commit of a transaction that wrote, whose rows another connection then sees', async () => {
    const other = new PipelinedClient({ connectionString: databaseUrl });
    await other.connect();
    try {
      const table = `pipelined_${process.pid}_${Date.now()}`;
      await client.query(`create table ${table} (n int)`);
      await client.query('begin');
      await client.query(`select set_config('stowage.test', $1, true)`, ['inside']);
      await client.query(`insert into ${table} values (1)`);
      await client.query('commit');
      const { rows } = await other.query(`select count(*)::int as n from ${table}`);
      await client.query(`drop table ${table}`);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await other.end();
    }
  });
});
