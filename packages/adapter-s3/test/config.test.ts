import { s3BlobStoreConfig } from '../src';

const required = {
  bucket: 'stowage',
  endpoint: 'http://127.0.0.1:9000',
  accessKeyId: 'k',
  secretAccessKey: 's',
};

describe('s3BlobStoreConfig', () => {
  it('fills in path-style addressing, 255-byte key segments, 8 MiB parts, a region and a timeout', () => {
    expect(s3BlobStoreConfig.parse(required)).toEqual({
      ...required,
      region: 'us-east-1',
      forcePathStyle: true,
      maxKeySegmentBytes: 255,
      partSize: 8 * 1024 * 1024,
      requestTimeoutMs: 30_000,
    });
  });

  it.each([
    ['an endpoint that is not a URL', { endpoint: '127.0.0.1:9000' }],
    ['an endpoint with a path', { endpoint: 'http://127.0.0.1:9000/s3' }],
    ['an endpoint that is not http(s)', { endpoint: 'ftp://127.0.0.1' }],
    ['a part smaller than S3 allows', { partSize: 1024 * 1024 }],
    ['an invalid S3 bucket name', { bucket: 'Stowage_Bucket' }],
    ['an empty secret', { secretAccessKey: '' }],
  ])('refuses %s', (_, override) => {
    expect(s3BlobStoreConfig.safeParse({ ...required, ...override }).success).toBe(false);
  });
});
