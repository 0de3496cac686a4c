import { createHash } from 'node:crypto';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  ACCESS_KEY_ID,
  REGION,
  type S3ServerFixture,
  SECRET_ACCESS_KEY,
  s3ServerFixture,
} from './support/s3-server-fixture';

let fixture: S3ServerFixture;
beforeAll(async () => {
  fixture = await s3ServerFixture();
  await fixture.s3().send(new CreateBucketCommand({ Bucket: 'payloads' }));
});
afterAll(() => fixture.close());

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const signer = new SignatureV4({
  credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
  region: REGION,
  service: 's3',
  sha256: Hash.bind(null, 'sha256'),
  uriEscapePath: false,
});

/** Signs a PUT of `/s3/payloads/<key>` as a client would, announcing `payloadHash`. */
async function signedPut(key: string, payloadHash: string, headers: Record<string, string> = {}) {
  const url = new URL(`${fixture.origin}/s3/payloads/${key}`);
  const signed = await signer.sign({
    method: 'PUT',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'x-amz-content-sha256': payloadHash, ...headers },
  });
  return { url, headers: signed.headers as Record<string, string> };
}

/**
 * An aws-chunked body with chunk signatures chained from the seed signature, as the SigV4 streaming
 * specification describes; `tamper` changes a byte of the second chunk after signing.
 */
async function chunkedBody(seed: string, date: Date, chunks: Buffer[], tamper = false): Promise<Buffer> {
  const longDate = date.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const scope = `${longDate.slice(0, 8)}/${REGION}/s3/aws4_request`;
  const parts: Buffer[] = [];
  let previous = seed;
  for (const [index, chunk] of [...chunks, Buffer.alloc(0)].entries()) {
    const signature = await signer.sign(
      ['AWS4-HMAC-SHA256-PAYLOAD', longDate, scope, previous, sha256(''), sha256(chunk)].join('\n'),
      { signingDate: date },
    );
    previous = signature;
    const sent = tamper && index === 1 ? Buffer.from(chunk).fill(0x21, 0, 1) : chunk;
    parts.push(
      Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`),
      sent,
      Buffer.from('\r\n'),
    );
  }
  return Buffer.concat(parts);
}

async function streamingPut(key: string, chunks: Buffer[], tamper = false) {
  const date = new Date();
  const decoded = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const { url, headers } = await signedPut(key, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', {
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(decoded),
    'x-amz-date': date.toISOString().replace(/[-:]|\.\d{3}/g, ''),
  });
  const seed = /Signature=([0-9a-f]{64})/.exec(headers.authorization ?? '')?.[1] ?? '';
  const body = await chunkedBody(seed, date, chunks, tamper);
  return fetch(url, { method: 'PUT', headers, body });
}

const head = (Key: string) =>
  fixture
    .s3()
    .send(new HeadObjectCommand({ Bucket: 'payloads', Key }))
    .then(
      (answer) => answer.ContentLength,
      () => undefined,
    );

describe('S3 payloads', () => {
  it('stores an aws-chunked body whose chunk signatures hold', async () => {
    const chunks = [Buffer.alloc(65_536, 'a'), Buffer.alloc(65_536, 'b'), Buffer.from('tail')];
    const response = await streamingPut('signed-chunks.bin', chunks);
    expect(response.status).toBe(200);
    const stored = await fixture.rest
      .get('/object/payloads/signed-chunks.bin')
      .set('authorization', fixture.serviceBearer)
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => done(null, Buffer.concat(parts)));
      });
    expect((stored.body as Buffer).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('refuses a chunk changed after signing, and stores nothing', async () => {
    const chunks = [Buffer.alloc(65_536, 'a'), Buffer.alloc(65_536, 'b'), Buffer.from('tail')];
    const response = await streamingPut('tampered.bin', chunks, true);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(await head('tampered.bin')).toBeUndefined();
  });

  it('refuses a body whose SHA-256 differs from the signed one, and stores nothing', async () => {
    const { url, headers } = await signedPut('hashed.txt', sha256('announced'));
    const response = await fetch(url, { method: 'PUT', headers, body: 'delivered' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(await head('hashed.txt')).toBeUndefined();
  });

  it('refuses a body whose Content-MD5 differs, and stores nothing', async () => {
    const md5 = createHash('md5').update('announced').digest('base64');
    const { url, headers } = await signedPut('md5.txt', 'UNSIGNED-PAYLOAD', { 'content-md5': md5 });
    const response = await fetch(url, { method: 'PUT', headers, body: 'delivered' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>BadDigest</Code>');
    expect(await head('md5.txt')).toBeUndefined();
  });
});
