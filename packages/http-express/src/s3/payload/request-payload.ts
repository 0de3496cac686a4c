import { createHash, timingSafeEqual } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { signingOf } from '../s3-authenticate';
import { s3Errors } from '../s3-error';
import { AwsChunkedDecoder } from './aws-chunked-decoder';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Fails at the end of the body when its digest differs from the announced one. */
function digestCheck(algorithm: 'sha256' | 'md5', expected: Buffer, mismatch: () => Error): Transform {
  const hash = createHash(algorithm);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest();
      callback(actual.length === expected.length && timingSafeEqual(actual, expected) ? null : mismatch());
    },
  });
}

/** The announced size of the bare payload: `x-amz-decoded-content-length` for aws-chunked bodies. */
export function payloadLength(req: Request): number | undefined {
  const header = req.get('x-amz-decoded-content-length') ?? req.get('content-length');
  const length = Number(header);
  return header !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * The request's payload as the signature announced it (`x-amz-content-sha256`): passed through when
 * unsigned, checked against its SHA-256 when signed whole, decoded (and each chunk's signature checked)
 * when `aws-chunked`. `Content-MD5`, when sent, is checked too. Every check fails the stream, never
 * buffering it, so whatever consumes it stores nothing.
 */
export function requestPayload(req: Request, res: Response): Readable {
  const announced = req.get('x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD';
  const steps: NodeJS.ReadWriteStream[] = [];
  switch (announced) {
    case 'UNSIGNED-PAYLOAD':
      break;
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      steps.push(new AwsChunkedDecoder());
      break;
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      steps.push(new AwsChunkedDecoder(signingOf(res)));
      break;
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      steps.push(new AwsChunkedDecoder(signingOf(res), true));
      break;
    default:
      if (!SHA256_HEX.test(announced)) throw s3Errors.contentSha256Mismatch();
      steps.push(digestCheck('sha256', Buffer.from(announced, 'hex'), s3Errors.contentSha256Mismatch));
  }
  const md5 = req.get('content-md5');
  if (md5) steps.push(digestCheck('md5', Buffer.from(md5, 'base64'), s3Errors.badDigest));
  req.on('close', () => {
    if (!req.complete) req.destroy(s3Errors.incompleteBody('The client aborted the request'));
  });
  if (steps.length === 0) return req;
  return pipeline([req, ...steps], () => undefined) as unknown as Readable;
}

/** Reads and checks a payload the operation has no use for (its signature still has to hold). */
export async function discardPayload(req: Request, res: Response): Promise<void> {
  await finished(requestPayload(req, res).resume());
}
