import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One structured line per request, with a request id (the client's `x-request-id` when it is sane, else a
 * new one, echoed back). Only the path is logged — never headers or the query, where tokens travel.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('x-request-id', id);
    res.on('close', () => {
      logger.info(
        {
          reqId: id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          bytesOut: Number(res.getHeader('content-length') ?? 0),
          aborted: !res.writableFinished,
        },
        'request',
      );
    });
    next();
  };
}
