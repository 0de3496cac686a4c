import { Client, type ClientConfig, type QueryResult } from 'pg';
import { SESSION_SETTINGS } from './apply-scope';

const BEGUN: QueryResult = { command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] };
const COMMITTED: QueryResult = { command: 'COMMIT', rowCount: null, oid: 0, rows: [], fields: [] };
const SETTINGS_SENT: QueryResult = { command: 'SELECT', rowCount: 0, oid: 0, rows: [], fields: [] };
/**
 * A statement that only reads: kysely writes every read as `select …`, and no `select` of this adapter
 * changes more than transaction-local settings.
 */
const READ = /^\s*select\b/i;

const quiet = <T>(promise: Promise<T>) => {
  promise.catch(() => undefined);
  return promise;
};
/** `later`'s answer once `earlier` has succeeded: a failure is the first one in the order sent. */
const after = <T>(earlier: Promise<unknown>, later: Promise<T>) => {
  quiet(later);
  return earlier.then(() => later);
};

/**
 * A `pg` client in pipeline mode that saves a unit of work's round trips without letting a statement of
 * the work change anything, or answer anything, outside the caller's transaction, role and claims.
 *
 * `begin` and the session settings after it (`SESSION_SETTINGS`, recognised by its exact text, only right
 * after `begin`) are answered at once and sent in one write: the socket stays corked from `begin` until
 * the next statement is queued. Their real answers travel with that statement: its promise settles only
 * once `begin` and the settings have succeeded, and otherwise fails with the first of their errors.
 * That statement leaves in the same write, costing no round trip of its own, if it reads or is
 * `rollback`; a write waits for the answers. Should the settings fail, Postgres refuses every statement
 * of the aborted transaction. Should `begin` fail, the transaction may never have opened: `pg` ends each
 * statement with a Sync, so each pipelined statement would then run alone as the session's own user.
 * A read sent with them changes nothing and its answer is dropped unread; a write is never sent.
 *
 * The `commit` of a transaction that only read is not waited for either: there is nothing it could lose,
 * and the connection goes back to the pool at once. It leaves with the next unit of work's `begin` on this
 * connection, in the same write, or at the end of this turn of the event loop. Postgres answers statements
 * in the order they were sent, so the next transaction still begins after it.
 */
export class PipelinedClient extends Client {
  /** `begin`, and the settings if they followed it, sent but not answered to anyone yet. */
  private unanswered?: Promise<unknown>;
  private scoped = false;
  private corked = false;
  private onlyReads = false;

  constructor(config?: ClientConfig) {
    super({ ...config, pipeline: true } as ClientConfig);
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads of query, passed through unchanged.
  override query(...args: any[]): any {
    const send = () => Reflect.apply(Client.prototype.query, this, args) as Promise<QueryResult>;
    if (typeof args[args.length - 1] === 'function') return send();
    const text: unknown = args[0];
    const reads = typeof text === 'string' && READ.test(text);
    const unanswered = this.unanswered;
    if (unanswered === undefined) {
      if (text === 'commit' && this.onlyReads) {
        this.onlyReads = false;
        this.cork();
        quiet(send());
        return Promise.resolve(COMMITTED);
      }
      if (text === 'begin') {
        this.onlyReads = true;
        this.cork();
        this.unanswered = quiet(send());
        return Promise.resolve(BEGUN);
      }
      if (!reads) this.onlyReads = false;
      return send();
    }
    if (text === SESSION_SETTINGS && !this.scoped) {
      this.scoped = true;
      this.unanswered = quiet(after(unanswered, send()));
      return Promise.resolve(SETTINGS_SENT);
    }
    const waitForAnswers = this.scoped && !reads && text !== 'rollback';
    this.unanswered = undefined;
    this.scoped = false;
    if (waitForAnswers) {
      this.uncork();
      return unanswered.then(() => this.query(...args));
    }
    if (!reads) this.onlyReads = false;
    const answer = send();
    this.uncork();
    return after(unanswered, answer);
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
