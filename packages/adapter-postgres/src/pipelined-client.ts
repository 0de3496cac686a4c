import { Client, type ClientConfig, type QueryResult } from 'pg';

const BEGUN: QueryResult = { command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] };

/**
 * A `pg` client in pipeline mode that sends `begin` without waiting for its answer, so the statement after
 * it (a unit of work's session settings) travels in the same round trip. That statement's promise settles
 * only once `begin` has succeeded as well: when `begin` fails, the unit of work fails before any statement
 * of its own is sent, and nothing ever runs for a caller outside its transaction.
 */
export class PipelinedClient extends Client {
  private pendingBegin?: Promise<unknown>;

  constructor(config?: ClientConfig) {
    super({ ...config, pipeline: true } as ClientConfig);
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's overloads of query, passed through unchanged.
  override query(...args: any[]): any {
    const send = () => Reflect.apply(Client.prototype.query, this, args);
    if (typeof args[args.length - 1] === 'function') return send();
    if (args[0] === 'begin' && this.pendingBegin === undefined) {
      const begun = send() as Promise<unknown>;
      begun.catch(() => undefined);
      this.pendingBegin = begun;
      return Promise.resolve(BEGUN);
    }
    const begun = this.pendingBegin;
    const answer = send();
    if (begun === undefined) return answer;
    this.pendingBegin = undefined;
    return Promise.all([begun, answer]).then(([, result]) => result);
  }
}
