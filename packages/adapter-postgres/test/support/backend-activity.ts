import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'pg';

/**
 * The last statement backend `pid` received, once it is in `state` (seen by `observer`, another
 * connection): with the answers held by a proxy, what the client sent without waiting for any.
 */
export async function lastStatementOf(observer: Client, pid: number, state: string): Promise<string> {
  for (let tries = 0; tries < 500; tries++) {
    const { rows } = await observer.query('select state, query from pg_stat_activity where pid = $1', [pid]);
    if (rows[0]?.state === state) return rows[0].query;
    await sleep(10);
  }
  throw new Error(`backend ${pid} never reached ${state}`);
}
