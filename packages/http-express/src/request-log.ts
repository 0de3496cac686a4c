import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { callerOf } from './authenticate';
import { failureOf } from './error-response';
import { requestBytes } from './request-bytes';
import { routeTemplate } from './route-template';
import { redactUrl } from './sensitive-values';

/** The logger the request log writes to: pino's, or anything with its `info` and `error`. */
export interface RequestLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One structured line per request, with a request id (the client's `x-request-id` when it is sane, else a
 * new one, echoed back), the route template, status, duration, bytes and the caller's role. Headers are
 * never logged, and credentials in the query string are redacted.
 */
export function requestLog(logger: RequestLogger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('x-request-id', id);
    res.once('close', () => {
      const bytes = requestBytes(req, res);
      const failure = failureOf(res);
      const fields = {
        reqId: id,
        method: req.method,
        url: redactUrl(req.originalUrl),
        route: routeTemplate(req, res),
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        bytesIn: bytes.received,
        bytesOut: bytes.sent,
        role: callerOf(res).role,
        aborted: !res.writableFinished,
        ...(failure !== undefined && { err: failure }),
      };
      if (failure !== undefined) logger.error(fields, 'request failed');
      else logger.info(fields, 'request');
    });
    next();
  };
}
