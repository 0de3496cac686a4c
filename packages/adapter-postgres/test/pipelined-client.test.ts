import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { GENERIC_PLAN, SESSION_SETTINGS } from '../src/apply-scope';
import { ONLY_STATEMENT_NEXT, PipelinedClient } from '../src/pipelined-client';
import { ScopedQuery } from '../src/scoped-query';
import { lastStatementOf } from './support/backend-activity';
import { failureOf } from './support/fixtures';
import { type HoldingProxy, startHoldingProxy } from './support/holding-proxy';

const databaseUrl = process.env.DATABASE_URL;
const onPostgres = databaseUrl ? describe : describe.skip;

const beforeTheNextTurn = <T>(promise: Promise<T>) =>
  Promise.race([promise, new Promise<'next turn'>((resolve) => setImmediate(() => resolve('next turn')))]);

/** The values of the session settings, for `role` ('none' is the session's own user). */
const settingsAs = (role: string) => [role, '{}', '', '', '{}', 'GET', '/object/b/k', 'object.get', null];

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

  it('fails a statement that fails, and runs the next transaction after its rollback', async () => {
    await client.query('begin');
    await expect(client.query('select 1 / 0')).rejects.toThrow('division by zero');
    // Answered at once: a rollback has nothing to lose, and leaves with the next statement.
    expect(await beforeTheNextTurn(client.query('rollback'))).toMatchObject({ command: 'ROLLBACK' });
    const { rows } = await client.query('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });

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

  it('runs a first statement that asks for generic plans with them, for its transaction only', async () => {
    const modeOf = async (marker: string, only: boolean) => {
      await client.query('begin');
      await client.query(SESSION_SETTINGS, settingsAs('none'));
      if (only) await client.query(ONLY_STATEMENT_NEXT);
      const { rows } = await client.query(`${marker}select current_setting('plan_cache_mode') as mode, $1`, [
        'x',
      ]);
      await client.query('commit');
      return rows[0].mode;
    };
    expect(await modeOf(GENERIC_PLAN, true)).toBe('force_generic_plan');
    expect(await modeOf(GENERIC_PLAN, false)).toBe('force_generic_plan');
    expect(await modeOf('', true)).toBe('auto');
    expect((await client.query('show plan_cache_mode')).rows).toEqual([{ plan_cache_mode: 'auto' }]);
  });

  describe('named statements', () => {
    const prepared = async (): Promise<string[]> => {
      const { rows } = await client.query('select statement from pg_prepared_statements order by statement');
      return rows.map((row: { statement: string }) => row.statement);
    };
    const unique = (label: string) => `select $1::text as ${label}_${process.pid}_${Date.now()}`;

    it('prepares a statement with values once per connection, inside and outside a transaction', async () => {
      const text = unique('once');
      await client.query(text, ['a']);
      await client.query('begin');
      await client.query(SESSION_SETTINGS, settingsAs('none'));
      const { rows } = await client.query(text, ['b']);
      await client.query('commit');
      await client.query(text, ['c']);
      expect(Object.values(rows[0])).toEqual(['b']);
      expect((await prepared()).filter((statement) => statement === text)).toHaveLength(1);
    });

    it('prepares the session settings once, even when their first use failed', async () => {
      const text = unique('settings');
      const settingsPrepared = async () =>
        (await prepared()).filter((statement) => statement === SESSION_SETTINGS);
      const readRole = async (role: string) => {
        await client.query('begin');
        await client.query(SESSION_SETTINGS, settingsAs(role));
        const { rows } = await client.query(`${text}, current_user as role`, ['x']);
        await client.query('commit');
        return rows[0].role as string;
      };
      // The first use fails after the settings were parsed, so the connection cannot know they were.
      await expect(readRole('no_such_role')).rejects.toThrow('role "no_such_role" does not exist');
      await client.query('rollback');
      expect([await readRole('authenticated'), await readRole('anon')]).toEqual(['authenticated', 'anon']);
      expect(await settingsPrepared()).toEqual([SESSION_SETTINGS]);
    });

    it('never names a statement without values or with a star', async () => {
      await client.query(`select * from (select $1::text as star_${process.pid}) s`, ['a']);
      await client.query(`select s.* from (select $1::text as star_${process.pid}) s`, ['a']);
      await client.query(`select 'no values ${process.pid}' as plain`);
      await client.query(`select count(*) as counted_${process.pid} from (select $1::text) s`, ['a']);
      expect((await prepared()).filter((statement) => statement.includes(String(process.pid)))).toEqual([
        `select count(*) as counted_${process.pid} from (select $1::text) s`,
      ]);
    });

    it('still runs a statement whose first use failed with its settings, and one whose parse failed', async () => {
      const text = unique('after_failure');
      await client.query('begin');
      await client.query(SESSION_SETTINGS, settingsAs('no_such_role'));
      await expect(client.query(text, ['a'])).rejects.toThrow('role "no_such_role" does not exist');
      await client.query('rollback');
      const missing = `select n from no_such_table_${process.pid} where n = $1`;
      await client.query('begin');
      await client.query(SESSION_SETTINGS, settingsAs('none'));
      await expect(client.query(missing, [1])).rejects.toThrow('does not exist');
      await client.query('rollback');
      await client.query(`create temporary table no_such_table_${process.pid} (n int)`);
      await client.query('begin');
      await client.query(SESSION_SETTINGS, settingsAs('none'));
      const found = await client.query(missing, [1]);
      const { rows } = await client.query(text, ['b']);
      await client.query('commit');
      expect([found.rows, Object.values(rows[0])]).toEqual([[], ['b']]);
    });
  });
});

onPostgres('PipelinedClient after the session settings', () => {
  let proxy: HoldingProxy;
  let observer: Client;
  let client: PipelinedClient;
  let pid: number;
  beforeAll(async () => {
    proxy = await startHoldingProxy(databaseUrl as string);
    observer = new Client({ connectionString: databaseUrl });
    await observer.connect();
  });
  afterAll(async () => {
    await observer.end();
    await proxy.close();
  });
  beforeEach(async () => {
    client = new PipelinedClient({ connectionString: proxy.url });
    await client.connect();
    pid = (await client.query('select pg_backend_pid() as pid')).rows[0].pid;
  });
  afterEach(async () => {
    proxy.release();
    await client.end();
  });

  const lastStatementIn = (state: string) => lastStatementOf(observer, pid, state);

  const readMethod = `select current_setting('request.method', true) as method`;

  /**
   * Sends `statement` after begin and the settings while the proxy holds every answer back, checks that the
   * server ran it before any answer came back, then lets the answers through.
   */
  async function sentWithSettings(statement: string) {
    proxy.hold();
    await client.query('begin');
    expect(await beforeTheNextTurn(client.query(SESSION_SETTINGS, settingsAs('none')))).toMatchObject({
      rows: [],
    });
    const answer = client.query(statement);
    expect(await lastStatementIn('idle in transaction')).toBe(statement);
    proxy.release();
    return answer;
  }

  it('sends a read after begin and the settings with them: the server runs it before any answer came back', async () => {
    expect((await sentWithSettings(readMethod)).rows).toEqual([{ method: 'GET' }]);
    await client.query('commit');
  });

  it('sends a write after begin and the settings with them: the server runs it before any answer came back', async () => {
    await client.query('create temporary table written (n int)');
    expect(await sentWithSettings('insert into written values (1)')).toMatchObject({
      command: 'INSERT',
      rowCount: 1,
    });
    await client.query('commit');
  });

  it('answers a transaction that ran nothing without sending it', async () => {
    proxy.hold();
    await client.query('begin');
    await client.query(SESSION_SETTINGS, settingsAs('no_such_role'));
    expect(await beforeTheNextTurn(client.query('commit'))).toMatchObject({ command: 'COMMIT' });
    await sleep(100);
    expect(await lastStatementIn('idle')).toBe('select pg_backend_pid() as pid');
  });

  describe("with the transaction's only statement", () => {
    async function sendOnly(statement: string, values?: unknown[], role = 'none') {
      await client.query('begin');
      await client.query(SESSION_SETTINGS, settingsAs(role));
      expect(await beforeTheNextTurn(client.query(ONLY_STATEMENT_NEXT))).toMatchObject({ rows: [] });
      return client.query(statement, values);
    }

    it('sends it with the settings as a transaction of its own, committed when its answer comes', async () => {
      const table = `pipelined_${process.pid}_${Date.now()}`;
      await observer.query(`create table ${table} (n int, method text)`);
      try {
        proxy.hold();
        const answer = sendOnly(`insert into ${table} values (1, current_setting('request.method', true))`);
        // The server ran it and ended the transaction before any answer came back: no begin, no commit.
        for (let tries = 0; !/^insert into/.test(await lastStatementIn('idle')); tries++) {
          if (tries > 100) throw new Error('the insert never ended on the server');
          await sleep(10);
        }
        expect((await observer.query(`select n, method from ${table}`)).rows).toEqual([
          { n: 1, method: 'GET' },
        ]);
        proxy.release();
        expect(await answer).toMatchObject({ command: 'INSERT', rowCount: 1 });
        expect(await beforeTheNextTurn(client.query('commit'))).toMatchObject({ command: 'COMMIT' });
      } finally {
        await observer.query(`drop table ${table}`);
      }
    });

    it('leaves neither the role nor the claims to the next statement on the connection', async () => {
      const { rows } = await sendOnly(
        `select current_user as role, current_setting('request.method', true) as method`,
        undefined,
        'anon',
      );
      expect(rows).toEqual([{ role: 'anon', method: 'GET' }]);
      await client.query('commit');
      const after = await client.query(
        `select current_user as role, current_setting('request.method', true) as method`,
      );
      expect(after.rows[0].role).not.toBe('anon');
      expect(after.rows[0].method ?? '').toBe('');
    });

    it('rolls back a statement that fails, and the connection goes on outside any transaction', async () => {
      await expect(sendOnly('select 1 / 0')).rejects.toThrow('division by zero');
      expect(await beforeTheNextTurn(client.query('rollback'))).toMatchObject({ command: 'ROLLBACK' });
      expect((await client.query(`select now() = statement_timestamp() as outside`)).rows).toEqual([
        { outside: true },
      ]);
    });

    it('refuses a second statement, which would run outside the transaction, and never sends it', async () => {
      const sequence = `pipelined_${process.pid}_${Date.now()}`;
      await observer.query(`create sequence ${sequence}`);
      try {
        await sendOnly('select 1');
        await expect(client.query('select setval($1::regclass, 5)', [sequence])).rejects.toThrow(
          'no statement may follow',
        );
        expect(await client.query('rollback')).toMatchObject({ command: 'ROLLBACK' });
        expect((await observer.query(`select is_called from ${sequence}`)).rows).toEqual([
          { is_called: false },
        ]);
      } finally {
        await observer.query(`drop sequence ${sequence}`);
      }
    });

    it('is refused outside a transaction', async () => {
      await expect(client.query(ONLY_STATEMENT_NEXT)).rejects.toThrow('belongs after begin');
    });
  });

  describe('when the settings fail', () => {
    let sequence: string;
    beforeEach(async () => {
      sequence = `pipelined_${process.pid}_${Date.now()}`;
      await observer.query(`create sequence ${sequence}`);
    });
    afterEach(() => observer.query(`drop sequence ${sequence}`));

    const advanced = async () =>
      (await observer.query(`select is_called from ${sequence}`)).rows[0].is_called as boolean;

    it('fails the statement sent with them, which Postgres never runs in the aborted transaction', async () => {
      await client.query('begin');
      await client.query(SESSION_SETTINGS, settingsAs('no_such_role'));
      const next = client.query(`select nextval('${sequence}')`);
      expect(await failureOf(next)).toBe('22023: role "no_such_role" does not exist');
      await client.query('rollback');
      expect(await advanced()).toBe(false);
    });

    it('fails a write sent with them, which Postgres never runs', async () => {
      await client.query('begin');
      await client.query(SESSION_SETTINGS, settingsAs('no_such_role'));
      const next = client.query('select setval($1::regclass, 5)', [sequence]);
      expect(await failureOf(next)).toBe('22023: role "no_such_role" does not exist');
      await client.query('rollback');
      expect(await advanced()).toBe(false);
    });

    it('stops the statement even outside a transaction: one Sync ends the whole segment', async () => {
      const segment = new Promise((resolve, reject) => {
        const query = new ScopedQuery(
          [{ text: SESSION_SETTINGS, values: settingsAs('no_such_role') }],
          `select nextval('${sequence}')`,
          undefined,
          (error, result) => (error ? reject(error) : resolve(result)),
        );
        client.query(query as unknown as Parameters<Client['query']>[0]);
      });
      expect(await failureOf(segment)).toBe('22023: role "no_such_role" does not exist');
      expect(await advanced()).toBe(false);
    });
  });
});
