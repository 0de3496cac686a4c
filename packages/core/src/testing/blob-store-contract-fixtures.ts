import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type ErrorCode, StorageError } from '../errors';

/** Bodies, digests and expectations the BlobStore contract suite is written with. */

export const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

export const md5 = (bytes: Buffer): Buffer => createHash('md5').update(bytes).digest();
export const md5Hex = (bytes: Buffer): string => md5(bytes).toString('hex');

/** S3's multipart etag: the MD5 of the parts' binary MD5s, then the number of parts. */
export const multipartEtag = (parts: readonly Buffer[]): string =>
  `${md5Hex(Buffer.concat(parts.map(md5)))}-${parts.length}`;

export const bodyOf = (...chunks: (string | Buffer)[]): Readable =>
  Readable.from(
    chunks.map((chunk) => Buffer.from(chunk)),
    { objectMode: false },
  );

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A body that sends a few chunks and then fails, as a client that goes away does. */
export function failingBody(error: Error): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent++ < 3) this.push(Buffer.alloc(64 * 1024, 'x'));
      else this.destroy(error);
    },
  });
}

/** The reason `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

export async function expectStorageError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
}
