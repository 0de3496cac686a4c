import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3BlobStore } from '../src';
import { type S3rverProcess, startS3rver } from '../src/testing';
import { bodyOf, bytes } from './support/bytes';

const PART = 5 * 1024 * 1024;

const operations: [string, (store: S3BlobStore) => Promise<unknown>][] = [
  ['put', (store) => store.put('t/x/v1', bodyOf(Buffer.from('x')))],
  ['put of several parts', (store) => store.put('t/x/v1', bodyOf(bytes(PART + 1)))],
  ['get', (store) => store.get('t/x/v1')],
  ['head', (store) => store.head('t/x/v1')],
  ['headMany', (store) => store.headMany(['t/x/v1', 't/y/v1'])],
  ['delete', (store) => store.delete(['t/x/v1', 't/y/v1'])],
  ['copy', (store) => store.copy('t/x/v1', 't/y/v1')],
  ['createMultipartUpload', (store) => store.createMultipartUpload('t/x/v1')],
  ['uploadPart', (store) => store.uploadPart('t/x/v1', 'abc123', 1, bodyOf(Buffer.from('x')))],
  [
    'completeMultipartUpload',
    (store) => store.completeMultipartUpload('t/x/v1', 'abc123', [{ partNumber: 1, etag: 'e' }]),
  ],
  ['abortMultipartUpload', (store) => store.abortMultipartUpload('t/x/v1', 'abc123')],
];

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

let s3rver: S3rverProcess;
beforeAll(async () => {
  s3rver = await startS3rver();
});
afterAll(() => s3rver.stop());

interface Failure {
  store: S3BlobStore;
  why: RegExp;
  restore?: () => void | Promise<void>;
}

const failures: [string, () => Promise<Failure>][] = [
  [
    'the S3 server is stopped',
    async () => {
      const stopped = await startS3rver();
      await stopped.stop();
      return { store: new S3BlobStore(stopped.options()), why: /ECONNREFUSED/ };
    },
  ],
  [
    'the endpoint names a port nothing listens on',
    async () => {
      const probe = createServer();
      const port = await listen(probe);
      await new Promise((resolve) => probe.close(resolve));
      return {
        store: new S3BlobStore(s3rver.options({ endpoint: `http://127.0.0.1:${port}` })),
        why: /ECONNREFUSED/,
      };
    },
  ],
  [
    'the S3 bucket does not exist',
    async () => ({
      store: new S3BlobStore(s3rver.options({ bucket: 'no-such-bucket' })),
      why: /bucket "no-such-bucket" does not exist/,
    }),
  ],
  [
    'the S3 server hangs',
    async () => {
      s3rver.freeze();
      return {
        store: new S3BlobStore(s3rver.options({ requestTimeoutMs: 300 })),
        why: /did not answer within 300 ms/,
        restore: () => s3rver.thaw(),
      };
    },
  ],
  [
    'a gateway in front of S3 answers 502',
    async () => {
      const gateway = createServer((request, response) => {
        request.resume();
        response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>');
      });
      const port = await listen(gateway);
      return {
        store: new S3BlobStore(s3rver.options({ endpoint: `http://127.0.0.1:${port}` })),
        why: /answered HTTP 502/,
        restore: () => new Promise<void>((resolve) => gateway.close(() => resolve())),
      };
    },
  ],
];

describe.each(failures)('when %s', (_, setUp) => {
  let failure: Failure;
  beforeAll(async () => {
    failure = await setUp();
  });
  afterAll(() => failure.restore?.());

  it.each(operations)('%s rejects with BackendUnavailable, saying why', async (_, operation) => {
    const rejection = operation(failure.store);
    await expect(rejection).rejects.toMatchObject({
      code: 'BackendUnavailable',
      message: expect.stringMatching(failure.why),
    });
    await expect(rejection).rejects.toMatchObject({ message: expect.stringMatching(/^S3 backend at http/) });
  });
});
