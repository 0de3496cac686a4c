import { readdir, readFile, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';

/** Where s3rver 3.7.1 keeps the parts of an unfinished multipart upload. */
export const uploadsDirectory = (directory: string, bucket: string): string =>
  join(directory, bucket, '._S3rver_uploads');

const xml = (response: ServerResponse, status: number, body: string): void => {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
};

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

async function listParts(uploadDir: string): Promise<string> {
  const numbers = (await readdir(uploadDir))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  const parts = await Promise.all(
    numbers.map(async (n) => {
      const [md5, info] = await Promise.all([
        readFile(join(uploadDir, `${n}.md5`), 'utf8'),
        stat(join(uploadDir, String(n))),
      ]);
      return `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${info.size}</Size></Part>`;
    }),
  );
  return `<ListPartsResult><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`;
}

/**
 * s3rver 3.7.1 lacks two calls of the S3 multipart API that every real S3 server has and that the adapter
 * makes: ListParts and AbortMultipartUpload (it answers MethodNotAllowed), and it accepts parts for, or
 * answers a 500 to completing, an upload that does not exist. This serves those requests the way S3 does,
 * over s3rver's own upload directory, and hands everything else to s3rver.
 */
export function withMultipartCalls(directory: string, s3rver: RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://s3rver');
    const uploadId = url.searchParams.get('uploadId');
    const bucket = url.pathname.split('/')[1];
    if (uploadId === null || bucket === undefined || !/^[\w-]+$/.test(uploadId)) {
      s3rver(request, response);
      return;
    }
    const uploadDir = join(uploadsDirectory(directory, bucket), uploadId);
    void (async () => {
      if (!(await exists(join(directory, bucket)))) {
        s3rver(request, response);
      } else if (!(await exists(join(uploadDir, 'key')))) {
        request.resume();
        xml(
          response,
          404,
          '<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>',
        );
      } else if (request.method === 'DELETE') {
        await rm(uploadDir, { recursive: true, force: true });
        response.writeHead(204).end();
      } else if (request.method === 'GET') {
        xml(response, 200, await listParts(uploadDir));
      } else {
        s3rver(request, response);
      }
    })().catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  };
}
