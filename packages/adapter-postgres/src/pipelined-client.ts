import { Client, type ClientConfig, type QueryResult } from 'pg';
import { GENERIC_PLAN, PLAN_CACHE_MODE_VALUE, SESSION_SETTINGS } from './apply-scope';
import { type PreludeStatement, ScopedQuery } from './scoped-query';

const answer = (command: string): QueryResult => ({ command, rowCount: null, oid: 0, rows: [], fields: [] });
const BEGUN = answer('BEGIN');
const COMMITTED = answer('COMMIT');
const ROLLED_BACK = answer('ROLLBACK');
const SETTINGS_HELD = answer('SELECT');
const NOTED = answer('EMPTY');
/** The answer to a `commit` or `rollback` that is not waited for. */
const ended = (text: string) => (text === 'commit' ? COMMITTED : ROLLED_BACK);
/**
 * A statement that only reads: kysely writes every read as `select …`, and no `select` of this adapter
 * changes more than transaction-local settings.
 */
const READ = /^\s*select\b/i;

/** At most this many texts get a name; any more are parsed each time, so a connection's cache stays small. */
const MAX_NAMED_STATEMENTS = 200;
const statementNames = new Map<string, string>();
const STAR = /(?:^|[\s,.])\*(?:\s|,|$)/;

/**
 * The name under which a statement is prepared on every connection, so Postgres parses and plans it once
 * per connection and then only binds it (with row level security, it rewrites the statement again when
 * the role changes). Only statements with values are named: the ones with no value are `begin`, `commit`
 * and the like. A text that expands a star (`select *`, `o.*`, not `count(*)`) is never named: after a
 * migration adds a column, a prepared statement whose answer would gain it fails until parsed again.
 */
function statementName(text: string, values: unknown): string | undefined {
  if (!Array.isArray(values) || values.length === 0 || STAR.test(text)) return undefined;
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `stowage_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Told to `PipelinedClient` after `begin` (and the settings), before the transaction's first statement:
 * that statement is the transaction's only one. A comment, so it would do nothing should it ever reach
 * Postgres.
 */
export const ONLY_STATEMENT_NEXT = "-- stowage: the next statement is the transaction's only one";

/** The session settings' name when they travel in a prelude (`ScopedQuery` tracks its parsing). */
const SETTINGS_STATEMENT = 'stowage_session_settings';

const quiet = <T>(promise: Promise<T>) => {
  promise.catch(() => undefined);
  return promise;
};

/** The prelude, with generic plans in its settings when `text` asks for them (`GENERIC_PLAN`). */
function withPlanCacheMode(prelude: PreludeStatement[], text: string): PreludeStatement[] {
  if (!text.startsWith(GENERIC_PLAN)) return prelude;
  return prelude.map((statement) => {
    if (statement.name !== SETTINGS_STATEMENT || !Array.isArray(statement.values)) return statement;
    const values = [...statement.values];
    values[PLAN_CACHE_MODE_VALUE] = 'force_generic_plan';
    return { ...statement, values };
  });
}

/**
 * A `pg` client in pipeline mode that saves a unit of work's round trips without letting a statement of
 * the work change anything, or answer anything, outside the caller's transaction, role and claims.
 *
 * `begin` and the session settings after it (`SESSION_SETTINGS`, recognised by its exact text, only right
 * after `begin`) are answered at once and held. They leave with the next statement, read or write, as one
 * `ScopedQuery`: one write and one round trip for the three, under one Sync, so Postgres runs the
 * statement only if `begin` and the settings succeeded, and the statement's promise fails with the first
 * error among them. A transaction that ends before any statement was sent was never opened: its `commit`
 * or `rollback` is answered at once.
 *
 * The `commit` of a transaction that only read, and every `rollback`, are not waited for either: there is
 * nothing they could lose, and the connection goes back to the pool at once. They leave with the next
 * statement on this connection, in the same write, or at the end of this turn of the event loop. Postgres
 * answers statements in the order they were sent, so the next transaction still begins after them.
 *
 * After `ONLY_STATEMENT_NEXT`, the transaction's first statement leaves with the settings but without
 * `begin`, and no `commit` follows it: Postgres runs the messages up to a Sync as one implicit transaction,
 * which it commits at the Sync when all of them succeeded and rolls back otherwise, and the settings, being
 * transaction-local, end with it. The statement's answer comes after that end, so the transaction's own
 * `commit` or `rollback` is answered at once; any other statement is refused, since it would run outside
 * the transaction, as the session's own user.
 *
 * A first statement whose text begins with `GENERIC_PLAN` takes its settings with `plan_cache_mode` set to
 * `force_generic_plan`, for its transaction only.
 */
export class PipelinedClient extends Client {
  /** `begin`, and the settings if they followed it, answered but not sent yet. */
  private prelude?: PreludeStatement[];
  private corked = false;
  private onlyReads = false;
  /** The transaction's first statement, still to come, is its only one. */
  private onlyNext = false;
  /** The transaction's only statement has left; the transaction ends with it. */
  private onlySent = false;

  constructor(config?: ClientConfig) {
    super({ ...config, pipeline: true } as ClientConfig);
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads of query, passed through unchanged.
  override query(...args: any[]): any {
    const text: unknown = args[0];
    const name = typeof text === 'string' && args.length === 2 ? statementName(text, args[1]) : undefined;
    const send = () =>
      Reflect.apply(
        Client.prototype.query,
        this,
        name === undefined ? args : [{ text, values: args[1], name }],
      ) as Promise<QueryResult>;
    const prelude = this.prelude;
    if (this.onlySent) return this.afterOnlyStatement(text);
    if (text === ONLY_STATEMENT_NEXT) {
      if (!prelude)
        return Promise.reject(new Error('PipelinedClient: only-statement-next belongs after begin'));
      this.onlyNext = true;
      return Promise.resolve(NOTED);
    }
    if (typeof text !== 'string' || typeof args[args.length - 1] === 'function') {
      if (prelude) throw new Error('PipelinedClient: only text statements may follow begin');
      return send();
    }
    if (prelude === undefined) {
      if (text === 'begin') {
        this.prelude = [{ text }];
        this.onlyReads = true;
        return Promise.resolve(BEGUN);
      }
      if (text === 'rollback' || (text === 'commit' && this.onlyReads)) {
        this.onlyReads = false;
        this.cork();
        quiet(send());
        return Promise.resolve(ended(text));
      }
      if (!READ.test(text)) this.onlyReads = false;
      const sent = send();
      this.uncork();
      return sent;
    }
    if (text === SESSION_SETTINGS && prelude.length === 1) {
      prelude.push({ text, values: args[1], name: SETTINGS_STATEMENT });
      return Promise.resolve(SETTINGS_HELD);
    }
    this.prelude = undefined;
    const only = this.onlyNext;
    this.onlyNext = false;
    if (text === 'commit' || text === 'rollback') {
      this.onlyReads = false;
      return Promise.resolve(ended(text));
    }
    if (!READ.test(text)) this.onlyReads = false;
    this.onlySent = only;
    const sent = new Promise<QueryResult>((resolve, reject) => {
      const query = new ScopedQuery(
        // The prelude's first statement is `begin`: the only statement's transaction is implicit.
        withPlanCacheMode(only ? prelude.slice(1) : prelude, text),
        text,
        args[1],
        (error, result) => (error ? reject(error) : resolve(result)),
        name,
      );
      Reflect.apply(Client.prototype.query, this, [query]);
    });
    this.uncork();
    return sent;
  }

  /** The end of a transaction that ended with its only statement; refuses any other statement. */
  private afterOnlyStatement(text: unknown): Promise<QueryResult> {
    if (text !== 'commit' && text !== 'rollback') {
      return Promise.reject(
        new Error('PipelinedClient: this transaction ended with its only statement; no statement may follow'),
      );
    }
    this.onlySent = false;
    return Promise.resolve(ended(text));
  }

  private get socket(): { cork(): void; uncork(): void } {
    return (this as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection
      .stream;
  }

  private cork(): void {
    if (this.corked) return;
    this.socket.cork();
    this.corked = true;
    // Should no statement follow in this turn of the event loop, what was sent still leaves.
    setImmediate(() => this.uncork());
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }
}
