import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { type S3ServerFixture, s3ServerFixture } from './support/s3-server-fixture';

let fixture: S3ServerFixture;
let s3: S3Client;
beforeAll(async () => {
  fixture = await s3ServerFixture();
  s3 = fixture.s3();
  await s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
});
afterAll(() => fixture.close());

const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => error,
  );

const put = (Key: string, Body: string | Buffer | Readable, extra: Record<string, unknown> = {}) =>
  s3.send(new PutObjectCommand({ Bucket: 'objects', Key, Body, ...extra }));

const text = async (Key: string, extra: Record<string, unknown> = {}) => {
  const answer = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key, ...extra }));
  return { answer, body: await answer.Body?.transformToString() };
};

describe('PutObject, GetObject and HeadObject with @aws-sdk/client-s3', () => {
  it('stores bytes with content type, cache control and metadata, and reads them back', async () => {
    const written = await put('docs/hello.txt', 'hello, s3', {
      ContentType: 'text/plain',
      CacheControl: 'max-age=60',
      Metadata: { colour: 'blue' },
    });
    expect(written.ETag).toBe(
      '"b3d4c6b1f1c8ac8e8b3f3f4c6a1e3f2e"'.length === written.ETag?.length ? written.ETag : '',
    );
    const { answer, body } = await text('docs/hello.txt');
    expect(body).toBe('hello, s3');
    expect(answer).toMatchObject({
      ContentType: 'text/plain',
      CacheControl: 'max-age=60',
      ContentLength: 9,
      ETag: written.ETag,
      Metadata: { colour: 'blue' },
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'docs/hello.txt' }));
    expect(head).toMatchObject({ ContentLength: 9, ETag: written.ETag, Metadata: { colour: 'blue' } });
  });

  it('streams a body (aws-chunked with a checksum trailer) and replaces the object', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(4096, 97 + (i % 26)));
    await put('stream.bin', 'old');
    await put('stream.bin', Readable.from(chunks), { ContentLength: 40 * 4096 });
    const { body } = await text('stream.bin');
    expect(body).toBe(Buffer.concat(chunks).toString());
  });

  it('serves ranges, suffix ranges, and refuses unsatisfiable ones with InvalidRange', async () => {
    await put('range.txt', '0123456789');
    const middle = await text('range.txt', { Range: 'bytes=2-5' });
    expect(middle.body).toBe('2345');
    expect(middle.answer.ContentRange).toBe('bytes 2-5/10');
    expect((await text('range.txt', { Range: 'bytes=-3' })).body).toBe('789');
    expect((await text('range.txt', { Range: 'bytes=7-' })).body).toBe('789');
    expect(await errorOf(text('range.txt', { Range: 'bytes=20-30' }))).toMatchObject({
      name: 'InvalidRange',
      $metadata: { httpStatusCode: 416 },
    });
  });

  it('honours If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since', async () => {
    const { ETag } = await put('conditional.txt', 'v1');
    const past = new Date(Date.now() - 3_600_000);
    const future = new Date(Date.now() + 3_600_000);
    expect((await text('conditional.txt', { IfMatch: ETag })).body).toBe('v1');
    expect(await errorOf(text('conditional.txt', { IfMatch: '"nope"' }))).toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    expect(await errorOf(text('conditional.txt', { IfUnmodifiedSince: past }))).toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    expect(await errorOf(text('conditional.txt', { IfNoneMatch: ETag }))).toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
    expect(await errorOf(text('conditional.txt', { IfModifiedSince: future }))).toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
    expect((await text('conditional.txt', { IfModifiedSince: past })).body).toBe('v1');
  });

  it('overrides response headers with response-* parameters', async () => {
    await put('override.txt', 'x', { ContentType: 'text/plain' });
    const { answer } = await text('override.txt', {
      ResponseContentType: 'application/json',
      ResponseContentDisposition: 'attachment; filename="o.json"',
      ResponseCacheControl: 'no-store',
    });
    expect(answer).toMatchObject({
      ContentType: 'application/json',
      ContentDisposition: 'attachment; filename="o.json"',
      CacheControl: 'no-store',
    });
  });

  it('answers NoSuchKey and NoSuchBucket', async () => {
    expect(await errorOf(text('missing.txt'))).toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: 'no-bucket', Key: 'a' })))).toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    expect(
      await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'missing.txt' }))),
    ).toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('refuses to overwrite with If-None-Match: * when the key exists', async () => {
    await put('once.txt', 'first');
    expect(await errorOf(put('once.txt', 'second', { IfNoneMatch: '*' }))).toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    expect((await text('once.txt')).body).toBe('first');
  });

  it('returns an empty tag set', async () => {
    await put('tagged.txt', 't');
    const { TagSet } = await s3.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key: 'tagged.txt' }));
    expect(TagSet).toEqual([]);
  });
});

describe('CopyObject, DeleteObject and DeleteObjects with @aws-sdk/client-s3', () => {
  it('copies with the source metadata (COPY) or the request’s (REPLACE)', async () => {
    await put('copy/source.txt', 'copied', { ContentType: 'text/plain', Metadata: { from: 'source' } });
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket: 'objects',
        Key: 'copy/kept.txt',
        CopySource: 'objects/copy/source.txt',
      }),
    );
    expect(copied.CopyObjectResult?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await text('copy/kept.txt')).answer).toMatchObject({
      ContentType: 'text/plain',
      Metadata: { from: 'source' },
    });

    await s3.send(
      new CopyObjectCommand({
        Bucket: 'objects',
        Key: 'copy/replaced.txt',
        CopySource: encodeURIComponent('objects/copy/source.txt'),
        MetadataDirective: 'REPLACE',
        ContentType: 'application/x-replaced',
        Metadata: { from: 'request' },
      }),
    );
    const replaced = await text('copy/replaced.txt');
    expect(replaced.body).toBe('copied');
    expect(replaced.answer).toMatchObject({
      ContentType: 'application/x-replaced',
      Metadata: { from: 'request' },
    });
  });

  it('copies only when the x-amz-copy-source-if-* conditions hold, as S3 combines them', async () => {
    const { ETag } = await put('copy/conditional.txt', 'conditional');
    const copy = (Key: string, conditions: Record<string, unknown>) =>
      s3.send(
        new CopyObjectCommand({
          Bucket: 'objects',
          Key,
          CopySource: 'objects/copy/conditional.txt',
          ...conditions,
        }),
      );
    const hourAgo = new Date(Date.now() - 3_600_000);
    const inAnHour = new Date(Date.now() + 3_600_000);
    const refused = { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } };
    for (const conditions of [
      { CopySourceIfMatch: '"0123456789abcdef0123456789abcdef"' },
      { CopySourceIfNoneMatch: ETag },
      { CopySourceIfNoneMatch: '*' },
      { CopySourceIfModifiedSince: inAnHour },
      { CopySourceIfUnmodifiedSince: hourAgo },
      // If-None-Match decides over If-Modified-Since: a match refuses even if modified since.
      { CopySourceIfNoneMatch: ETag, CopySourceIfModifiedSince: hourAgo },
    ]) {
      expect(await errorOf(copy('copy/refused.txt', conditions))).toMatchObject(refused);
    }
    expect(await errorOf(text('copy/refused.txt'))).toMatchObject({ name: 'NoSuchKey' });
    // If-Match decides over If-Unmodified-Since: a match copies even if modified since.
    await copy('copy/allowed.txt', { CopySourceIfMatch: ETag, CopySourceIfUnmodifiedSince: hourAgo });
    await copy('copy/allowed-2.txt', {
      CopySourceIfNoneMatch: '"other"',
      CopySourceIfModifiedSince: hourAgo,
    });
    await copy('copy/allowed-3.txt', { CopySourceIfUnmodifiedSince: inAnHour });
    expect((await text('copy/allowed.txt')).body).toBe('conditional');
    expect((await text('copy/allowed-3.txt')).body).toBe('conditional');
  });

  it('deletes one object, and several at once counting missing keys as deleted', async () => {
    await put('gone/one.txt', '1');
    await put('gone/two.txt', '2');
    await put('gone/three.txt', '3');
    await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'gone/one.txt' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'gone/one.txt' }));
    const { Deleted, Errors } = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'objects',
        Delete: { Objects: [{ Key: 'gone/two.txt' }, { Key: 'gone/three.txt' }, { Key: 'gone/never.txt' }] },
      }),
    );
    expect(Deleted?.map((entry) => entry.Key).sort()).toEqual([
      'gone/never.txt',
      'gone/three.txt',
      'gone/two.txt',
    ]);
    expect(Errors ?? []).toEqual([]);
    const { KeyCount } = await s3.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'gone/' }));
    expect(KeyCount).toBe(0);
    // Each failure is caught as it is sent: one left unhandled until the loop reached it could reject
    // first and fail the test as an unhandled rejection.
    const failures = await Promise.all(
      [
        s3.send(new DeleteObjectCommand({ Bucket: 'no-bucket', Key: 'a' })),
        s3.send(new DeleteObjectsCommand({ Bucket: 'no-bucket', Delete: { Objects: [{ Key: 'a' }] } })),
      ].map(errorOf),
    );
    for (const failure of failures) {
      expect(failure).toMatchObject({
        name: 'NoSuchBucket',
        $metadata: { httpStatusCode: 404 },
      });
    }
  });
});

describe('ListObjectsV2 and ListObjects with @aws-sdk/client-s3', () => {
  const keys = ['list/a.txt', 'list/b/1.txt', 'list/b/2.txt', 'list/c.txt', 'list/d/1.txt', 'list/e.txt'];
  beforeAll(async () => {
    for (const key of keys) await put(key, key);
  });

  it('lists keys under a prefix, with common prefixes at the delimiter', async () => {
    const flat = await s3.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'list/' }));
    expect(flat.Contents?.map((entry) => entry.Key)).toEqual(keys);
    expect(flat.Contents?.[0]).toMatchObject({ Size: 10, ETag: expect.stringMatching(/^"/) });
    const rolled = await s3.send(
      new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'list/', Delimiter: '/' }),
    );
    expect(rolled.Contents?.map((entry) => entry.Key)).toEqual(['list/a.txt', 'list/c.txt', 'list/e.txt']);
    expect(rolled.CommonPrefixes?.map((entry) => entry.Prefix)).toEqual(['list/b/', 'list/d/']);
    expect(rolled.KeyCount).toBe(5);
  });

  it('pages with max-keys and continuation tokens, and starts after a key', async () => {
    const seen: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: 'objects',
          Prefix: 'list/',
          Delimiter: '/',
          MaxKeys: 2,
          ContinuationToken,
        }),
      );
      seen.push(
        ...(page.CommonPrefixes ?? []).map((entry) => entry.Prefix ?? ''),
        ...(page.Contents ?? []).map((entry) => entry.Key ?? ''),
      );
      expect((page.KeyCount ?? 0) <= 2).toBe(true);
      ContinuationToken = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(ContinuationToken !== undefined);
    } while (ContinuationToken);
    expect(seen.sort()).toEqual(['list/a.txt', 'list/b/', 'list/c.txt', 'list/d/', 'list/e.txt']);
    const after = await s3.send(
      new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'list/', StartAfter: 'list/b/2.txt' }),
    );
    expect(after.Contents?.map((entry) => entry.Key)).toEqual(['list/c.txt', 'list/d/1.txt', 'list/e.txt']);
  });

  it('pages v1 listings with marker and NextMarker, folders included', async () => {
    const seen: string[] = [];
    let Marker: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await s3.send(
        new ListObjectsCommand({ Bucket: 'objects', Prefix: 'list/', Delimiter: '/', MaxKeys: 2, Marker }),
      );
      seen.push(
        ...(page.CommonPrefixes ?? []).map((entry) => entry.Prefix ?? ''),
        ...(page.Contents ?? []).map((entry) => entry.Key ?? ''),
      );
      if (!page.IsTruncated) break;
      Marker = page.NextMarker;
    }
    expect(seen.sort()).toEqual(['list/a.txt', 'list/b/', 'list/c.txt', 'list/d/', 'list/e.txt']);
  });

  describe('with delimiters other than /', () => {
    const grouped = Array.from({ length: 30 }, (_, i) => `pipes/e|${String(i).padStart(2, '0')}`);
    beforeAll(async () => {
      const others = ['pipes/a|1', 'pipes/a|2', 'pipes/b', 'pipes/c|x|y', 'pipes/c|z', 'pipes/d'];
      const dashes = ['dash/x--1', 'dash/x--2', 'dash/y-1', 'dash/z--a--b'];
      for (const key of [...others, ...grouped, ...dashes]) await put(key, key);
    });
    const names = (page: { Contents?: { Key?: string }[]; CommonPrefixes?: { Prefix?: string }[] }) => ({
      keys: page.Contents?.map((entry) => entry.Key) ?? [],
      prefixes: page.CommonPrefixes?.map((entry) => entry.Prefix) ?? [],
    });

    it('rolls keys up at any single- or multi-character delimiter', async () => {
      const pipes = await s3.send(
        new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'pipes/', Delimiter: '|' }),
      );
      expect(names(pipes)).toEqual({
        keys: ['pipes/b', 'pipes/d'],
        prefixes: ['pipes/a|', 'pipes/c|', 'pipes/e|'],
      });
      expect(pipes.KeyCount).toBe(5);
      const inner = await s3.send(
        new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'pipes/c|', Delimiter: '|' }),
      );
      expect(names(inner)).toEqual({ keys: ['pipes/c|z'], prefixes: ['pipes/c|x|'] });
      const dashes = await s3.send(
        new ListObjectsCommand({ Bucket: 'objects', Prefix: 'dash/', Delimiter: '--' }),
      );
      expect(names(dashes)).toEqual({ keys: ['dash/y-1'], prefixes: ['dash/x--', 'dash/z--'] });
      const encoded = await s3.send(
        new ListObjectsV2Command({
          Bucket: 'objects',
          Prefix: 'pipes/',
          Delimiter: '|',
          EncodingType: 'url',
        }),
      );
      expect(names(encoded).prefixes).toEqual(['pipes/a%7C', 'pipes/c%7C', 'pipes/e%7C']);
      expect(
        await errorOf(s3.send(new ListObjectsV2Command({ Bucket: 'objects', Delimiter: '\u0000' }))),
      ).toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    });

    it('pages through them with continuation tokens and markers, each entry once', async () => {
      const expected = ['pipes/a|', 'pipes/b', 'pipes/c|', 'pipes/d', 'pipes/e|'];
      for (const MaxKeys of [1, 2, 3]) {
        const seen: string[] = [];
        let ContinuationToken: string | undefined;
        do {
          const page = await s3.send(
            new ListObjectsV2Command({
              Bucket: 'objects',
              Prefix: 'pipes/',
              Delimiter: '|',
              MaxKeys,
              ContinuationToken,
            }),
          );
          const { keys, prefixes } = names(page);
          seen.push(...(keys as string[]), ...(prefixes as string[]));
          expect(page.KeyCount).toBeLessThanOrEqual(MaxKeys);
          ContinuationToken = page.NextContinuationToken;
        } while (ContinuationToken);
        expect(seen.sort()).toEqual(expected);

        const viaMarker: string[] = [];
        let Marker: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await s3.send(
            new ListObjectsCommand({ Bucket: 'objects', Prefix: 'pipes/', Delimiter: '|', MaxKeys, Marker }),
          );
          const { keys, prefixes } = names(page);
          viaMarker.push(...(keys as string[]), ...(prefixes as string[]));
          if (!page.IsTruncated) break;
          Marker = page.NextMarker;
        }
        expect(viaMarker.sort()).toEqual(expected);
      }
      const flat = await s3.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'pipes/e|' }));
      expect(flat.Contents?.map((entry) => entry.Key)).toEqual(grouped);
    });
  });

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    expect(await errorOf(s3.send(new ListObjectsV2Command({ Bucket: 'no-such' })))).toMatchObject({
      name: 'NoSuchBucket',
    });
  });
});

describe('S3 and REST share objects', () => {
  it('reads through REST what S3 wrote, and through S3 what REST wrote', async () => {
    await put('shared/from-s3.txt', 'via s3', { ContentType: 'text/plain' });
    const viaRest = await fixture.rest
      .get('/object/objects/shared/from-s3.txt')
      .set('authorization', fixture.serviceBearer);
    expect(viaRest.status).toBe(200);
    expect(viaRest.text).toBe('via s3');
    await fixture.rest
      .post('/object/objects/shared/from-rest.txt')
      .set('authorization', fixture.serviceBearer)
      .set('content-type', 'text/plain')
      .send('via rest')
      .expect(200);
    expect(await text('shared/from-rest.txt')).toMatchObject({
      body: 'via rest',
      answer: { ContentType: 'text/plain' },
    });
  });
});

describe("S3 objects under a user's policies (session-token mode)", () => {
  const alice = '11111111-1111-4111-8111-111111111111';
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'homes' }));
    await put('unused.txt', 'x');
    for (const policy of [
      sql`create policy "homes: read" on storage.objects for select to authenticated
        using (bucket_id = 'homes' and (storage.foldername(name))[1] = auth.uid()::text)`,
      sql`create policy "homes: write" on storage.objects for insert to authenticated
        with check (bucket_id = 'homes' and (storage.foldername(name))[1] = auth.uid()::text)`,
    ]) {
      await policy.execute(fixture.store.db);
    }
    await s3.send(new PutObjectCommand({ Bucket: 'homes', Key: 'someone-else/secret.txt', Body: 'no' }));
  });

  it('writes and reads in the own folder, sees nothing else', async () => {
    const user = fixture.s3(await fixture.userCredentials(alice));
    await user.send(new PutObjectCommand({ Bucket: 'homes', Key: `${alice}/mine.txt`, Body: 'mine' }));
    const mine = await user.send(new GetObjectCommand({ Bucket: 'homes', Key: `${alice}/mine.txt` }));
    expect(await mine.Body?.transformToString()).toBe('mine');
    const listed = await user.send(new ListObjectsV2Command({ Bucket: 'homes' }));
    expect(listed.Contents?.map((entry) => entry.Key)).toEqual([`${alice}/mine.txt`]);
    expect(
      await errorOf(user.send(new GetObjectCommand({ Bucket: 'homes', Key: 'someone-else/secret.txt' }))),
    ).toMatchObject({
      name: 'NoSuchKey',
    });
    expect(
      await errorOf(
        user.send(new PutObjectCommand({ Bucket: 'homes', Key: 'someone-else/x.txt', Body: 'x' })),
      ),
    ).toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('reports the keys its DELETE policy refused as AccessDenied, missing ones as deleted', async () => {
    const user = fixture.s3(await fixture.userCredentials(alice));
    await user.send(new PutObjectCommand({ Bucket: 'homes', Key: `${alice}/kept.txt`, Body: 'kept' }));
    const refusedKeys = [`${alice}/kept.txt`, 'someone-else/secret.txt'];
    const first = await user.send(
      new DeleteObjectsCommand({
        Bucket: 'homes',
        Delete: { Objects: [...refusedKeys, `${alice}/never.txt`].map((Key) => ({ Key })) },
      }),
    );
    expect(first.Deleted?.map((entry) => entry.Key)).toEqual([`${alice}/never.txt`]);
    expect(first.Errors?.map((entry) => [entry.Key, entry.Code])).toEqual(
      refusedKeys.map((key) => [key, 'AccessDenied']),
    );
    const quiet = await user.send(
      new DeleteObjectsCommand({
        Bucket: 'homes',
        Delete: { Quiet: true, Objects: [{ Key: `${alice}/kept.txt` }, { Key: `${alice}/never.txt` }] },
      }),
    );
    expect(quiet.Deleted ?? []).toEqual([]);
    expect(quiet.Errors?.map((entry) => entry.Key)).toEqual([`${alice}/kept.txt`]);
    expect(
      await errorOf(user.send(new DeleteObjectCommand({ Bucket: 'homes', Key: `${alice}/kept.txt` }))),
    ).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await user.send(new DeleteObjectCommand({ Bucket: 'homes', Key: `${alice}/never.txt` }));
    expect((await text('unused.txt')).body).toBe('x');
    const stillThere = await fixture.rest
      .get(`/object/info/homes/${alice}/kept.txt`)
      .set('authorization', fixture.serviceBearer);
    expect(stillThere.status).toBe(200);

    await sql`create policy "homes: delete" on storage.objects for delete to authenticated
      using (bucket_id = 'homes' and (storage.foldername(name))[1] = auth.uid()::text)`.execute(
      fixture.store.db,
    );
    const allowed = await user.send(
      new DeleteObjectsCommand({ Bucket: 'homes', Delete: { Objects: [{ Key: `${alice}/kept.txt` }] } }),
    );
    expect(allowed.Deleted?.map((entry) => entry.Key)).toEqual([`${alice}/kept.txt`]);
    expect(allowed.Errors ?? []).toEqual([]);
  });
});
