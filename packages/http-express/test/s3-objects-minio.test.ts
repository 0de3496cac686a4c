import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { CopyConditions } from 'minio';
import { type S3ServerFixture, s3ServerFixture } from './support/s3-server-fixture';

let fixture: S3ServerFixture;
let minio: Client;
beforeAll(async () => {
  fixture = await s3ServerFixture();
  minio = fixture.minio();
  await minio.makeBucket('minio-objects');
});
afterAll(() => fixture.close());

const B = 'minio-objects';

async function text(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts).toString();
}

const collect = <T>(stream: NodeJS.ReadableStream): Promise<T[]> =>
  new Promise((resolve, reject) => {
    const items: T[] = [];
    stream.on('data', (item: T) => items.push(item));
    stream.on('end', () => resolve(items));
    stream.on('error', reject);
  });

/** A URL minio signed for its endpoint, requested under `/s3` where the endpoint is mounted. */
const underS3 = (signed: string) => {
  const url = new URL(signed);
  return `${fixture.origin}/s3${url.pathname}${url.search}`;
};

describe('objects with minio', () => {
  it('puts with metadata, stats, gets whole and partial', async () => {
    const written = await minio.putObject(B, 'dir/hello.txt', Buffer.from('hello, minio'), 12, {
      'Content-Type': 'text/plain',
      'X-Amz-Meta-Colour': 'green',
    });
    expect(written.etag).toMatch(/^[0-9a-f]{32}$/);
    const stat = await minio.statObject(B, 'dir/hello.txt');
    expect(stat).toMatchObject({
      size: 12,
      etag: written.etag,
      metaData: { 'content-type': 'text/plain', colour: 'green' },
    });
    expect(await text(await minio.getObject(B, 'dir/hello.txt'))).toBe('hello, minio');
    expect(await text(await minio.getPartialObject(B, 'dir/hello.txt', 7, 5))).toBe('minio');
    expect(await text(await minio.getPartialObject(B, 'dir/hello.txt', 7))).toBe('minio');
  });

  it('copies with conditions, and removes one object and several', async () => {
    const { etag } = await minio.putObject(B, 'copy/src.txt', Buffer.from('source'));
    const conditions = new CopyConditions();
    conditions.setMatchETag(etag);
    await minio.copyObject(B, 'copy/dst.txt', `/${B}/copy/src.txt`, conditions);
    expect(await text(await minio.getObject(B, 'copy/dst.txt'))).toBe('source');
    await minio.removeObject(B, 'copy/src.txt');
    await minio.removeObjects(B, ['copy/dst.txt', 'copy/never.txt']);
    expect(await collect(minio.listObjectsV2(B, 'copy/', true))).toEqual([]);
  });

  it('lists v1 and v2, recursive or by folder, and starts after a key', async () => {
    for (const key of ['tree/a.txt', 'tree/sub/b.txt', 'tree/sub/c.txt', 'tree/z.txt']) {
      await minio.putObject(B, key, Buffer.from(key));
    }
    // minio yields a page's keys before its common prefixes.
    const names = (items: { name?: string; prefix?: string }[]) =>
      items.map((item) => item.name ?? item.prefix).sort();
    expect(names(await collect(minio.listObjects(B, 'tree/', true)))).toEqual([
      'tree/a.txt',
      'tree/sub/b.txt',
      'tree/sub/c.txt',
      'tree/z.txt',
    ]);
    expect(names(await collect(minio.listObjects(B, 'tree/', false)))).toEqual([
      'tree/a.txt',
      'tree/sub/',
      'tree/z.txt',
    ]);
    expect(names(await collect(minio.listObjectsV2(B, 'tree/', false)))).toEqual([
      'tree/a.txt',
      'tree/sub/',
      'tree/z.txt',
    ]);
    expect(names(await collect(minio.listObjectsV2(B, 'tree/', true, 'tree/sub/b.txt')))).toEqual([
      'tree/sub/c.txt',
      'tree/z.txt',
    ]);
  });

  it('answers GetObjectTagging with an empty set', async () => {
    await minio.putObject(B, 'tags.txt', Buffer.from('t'));
    expect(await minio.getObjectTagging(B, 'tags.txt')).toEqual([]);
  });

  it('serves presigned GET and PUT URLs, and refuses a tampered one', async () => {
    const putUrl = underS3(await minio.presignedPutObject(B, 'presigned/up load.txt', 60));
    const uploaded = await fetch(putUrl, { method: 'PUT', body: 'sent by url' });
    expect(uploaded.status).toBe(200);
    const getUrl = underS3(await minio.presignedGetObject(B, 'presigned/up load.txt', 60));
    const downloaded = await fetch(getUrl);
    expect(downloaded.status).toBe(200);
    expect(await downloaded.text()).toBe('sent by url');
    const tampered = await fetch(getUrl.replace('up%20load', 'other'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('reads through REST what minio wrote', async () => {
    await minio.putObject(B, 'über/灯泡 1.txt', Buffer.from('unicode'), 7, { 'Content-Type': 'text/plain' });
    const response = await fixture.rest
      .get(`/object/${B}/${encodeURIComponent('über')}/${encodeURIComponent('灯泡 1.txt')}`)
      .set('authorization', fixture.serviceBearer);
    expect(response.text).toBe('unicode');
    expect(await text(await minio.getObject(B, 'über/灯泡 1.txt'))).toBe('unicode');
  });
});
