import { createHash, randomBytes } from 'node:crypto';
import { Upload, type UploadOptions } from 'tus-js-client';

export const MIB = 1024 * 1024;

/** Random bytes and their sha256, to compare what comes back. */
export function payload(size: number) {
  const bytes = randomBytes(size);
  return { bytes, sha256: sha256(bytes) };
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Options as Supabase's guides give them: 6 MiB chunks, the object named in the metadata. */
export const tusOptions = (
  headers: Record<string, string>,
  metadata: Record<string, string>,
  extra: UploadOptions = {},
): UploadOptions => ({
  chunkSize: 6 * MIB,
  retryDelays: [],
  headers,
  metadata,
  removeFingerprintOnSuccess: true,
  ...extra,
});

/** Runs an upload to its end with the real tus-js-client; resolves with its URL. */
export function upload(bytes: Buffer, options: UploadOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const running: Upload = new Upload(bytes, {
      ...options,
      onError: reject,
      onSuccess: () => resolve(running.url ?? ''),
    });
    running.start();
  });
}

/** Starts an upload and aborts it mid-request (as a client that goes away) once `atLeast` bytes were sent. */
export function uploadUntil(bytes: Buffer, options: UploadOptions, atLeast: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let aborted = false;
    const running: Upload = new Upload(bytes, {
      ...options,
      onError: reject,
      onSuccess: () => reject(new Error('the upload finished before it was interrupted')),
      onProgress: (sent) => {
        if (sent >= atLeast && !aborted) {
          aborted = true;
          running.abort().then(() => resolve(running.url ?? ''), reject);
        }
      },
    });
    running.start();
  });
}

/** The HTTP status of a tus-js-client failure (0 when none came back). */
export const statusOf = (error: unknown): number =>
  (error as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus() ?? 0;

/** The body of a tus-js-client failure. */
export const bodyOf = (error: unknown): string =>
  (error as { originalResponse?: { getBody(): string } | null }).originalResponse?.getBody() ?? '';
