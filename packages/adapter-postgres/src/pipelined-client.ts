import { Client, type ClientConfig, type QueryResult } from 'pg';

const BEGUN: QueryResult = { command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] };
const COMMITTED: QueryResult = { command: 'COMMIT', rowCount: null, oid: 0, rows: [], fields: [] };
/** A statement that only reads (kysely writes every read as `select …`). */
const READ = /^\s*select\b/i;

/**
 * A `pg` client in pipeline mode that sends `begin` without waiting for its answer, so the statement after
 * it (a unit of work's session settings) travels in the same round trip, and in the same write: the socket
 * stays corked from `begin` until that statement is queued. That statement's promise settles
 * only once `begin` has succeeded as well: when `begin` fails, the unit of work fails before any statement
 * of its own is sent, and nothing ever runs for a caller outside its transaction.
 *
 * The `commit` of a transaction that only read is not waited for either: there is nothing it could lose,
 * and the connection goes back to the pool at once. It leaves with the next unit of work's `begin` on this
 * connection, in the same write, or at the end of this turn of the event loop. Postgres answers statements
 * in the order they were sent, so the next transaction still begins after it.
 */
export class PipelinedClient extends Client {
  private pendingBegin?: Promise<unknown>;
  private corked = false;
  private onlyReads = false;

  constructor(config?: ClientConfig) {
    super({ ...config, pipeline: true } as ClientConfig);
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads of query, passed through unchanged.
  override query(...args: any[]): any {
    const send = () => Reflect.apply(Client.prototype.query, this, args);
    if (typeof args[args.length - 1] === 'function') return send();
    if (args[0] === 'commit' && this.onlyReads) {
      this.onlyReads = false;
      this.cork();
      (send() as Promise<unknown>).catch(() => undefined);
      return Promise.resolve(COMMITTED);
    }
    if (args[0] === 'begin' && this.pendingBegin === undefined) {
      this.onlyReads = true;
      this.cork();
      const begun = send() as Promise<unknown>;
      begun.catch(() => undefined);
      this.pendingBegin = begun;
      return Promise.resolve(BEGUN);
    }
    if (typeof args[0] !== 'string' || !READ.test(args[0])) this.onlyReads = false;
    const begun = this.pendingBegin;
    const answer = send();
    if (begun === undefined) return answer;
    this.pendingBegin = undefined;
    this.uncork();
    return Promise.all([begun, answer]).then(([, result]) => result);
  }

  private get socket(): { cork(): void; uncork(): void } {
    return (this as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection
      .stream;
  }

  private cork(): void {
    if (this.corked) return;
    this.socket.cork();
    this.corked = true;
    // Should no statement follow in this turn of the event loop, `begin` still leaves.
    setImmediate(() => this.uncork());
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }
}
