import * as http from 'node:http';
import * as https from 'node:https';

/** S3 answered with a server fault (5xx): the backend is there but not working. */
export class S3ServerFault extends Error {
  constructor(readonly status: number) {
    super(`S3 answered HTTP ${status}`);
    this.name = 'S3ServerFault';
  }
}

/** S3 accepted no connection or sent no answer in time. */
export class S3Timeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`S3 did not answer within ${timeoutMs} ms`);
    this.name = 'S3Timeout';
  }
}

type RequestCallback = (response: http.IncomingMessage) => void;

/**
 * The transport minio sends its requests through. It bounds the wait for an answer (minio has no timeout
 * of its own) and fails requests S3 answers with a 5xx, keeping the status that minio's error parsing
 * loses. The timeout stops once the answer starts, so a download is never cut because its reader is slow.
 */
export function s3Transport(protocol: 'http:' | 'https:', timeoutMs: number): Pick<typeof http, 'request'> {
  const send = protocol === 'https:' ? https.request : http.request;
  const request = (options: http.RequestOptions, callback: RequestCallback): http.ClientRequest => {
    const outgoing = send(options, (response) => {
      outgoing.setTimeout(0);
      const status = response.statusCode ?? 0;
      if (status >= 500) {
        response.resume();
        outgoing.destroy(new S3ServerFault(status));
        return;
      }
      callback(response);
    });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new S3Timeout(timeoutMs)));
    return outgoing;
  };
  return { request: request as typeof http.request };
}
