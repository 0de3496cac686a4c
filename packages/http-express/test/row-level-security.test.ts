import { sql } from 'kysely';
import {
  blobBackends,
  jwtFor,
  type StorageAppFixture,
  storageAppFixture,
  testMetadataStore,
} from './support/storage-app-fixture';

const alice = '11111111-1111-4111-8111-111111111111';
const bob = '22222222-2222-4222-8222-222222222222';

// Policies as users write them in the Supabase dashboard; the legacy ones read the per-claim settings.
beforeAll(async () => {
  const store = await testMetadataStore();
  const folder = sql`bucket_id = 'userfiles' and (storage.foldername(name))[1] = auth.uid()::text`;
  const owned = sql`bucket_id = 'owned' and owner_id = auth.uid()::text`;
  const legacy = sql`bucket_id = 'legacy' and owner_id = current_setting('request.jwt.claim.sub', true)
    and current_setting('request.jwt.claim.role', true) = 'authenticated'`;
  for (const policy of [
    sql`create policy "folder read" on storage.objects for select to authenticated using (${folder})`,
    sql`create policy "folder insert" on storage.objects for insert to authenticated with check (${folder})`,
    sql`create policy "folder update" on storage.objects for update to authenticated
      using (${folder}) with check (${folder})`,
    sql`create policy "folder delete" on storage.objects for delete to authenticated using (${folder})`,
    sql`create policy "owned read" on storage.objects for select to authenticated using (${owned})`,
    sql`create policy "owned insert" on storage.objects for insert to authenticated with check (${owned})`,
    sql`create policy "no update: read" on storage.objects for select to authenticated
      using (bucket_id = 'no-update')`,
    sql`create policy "no update: insert" on storage.objects for insert to authenticated
      with check (bucket_id = 'no-update')`,
    sql`create policy "legacy read" on storage.objects for select using (${legacy})`,
    sql`create policy "legacy insert" on storage.objects for insert with check (${legacy})`,
    sql`create policy "legacy delete" on storage.objects for delete using (${legacy})`,
    sql`create policy "userfiles bucket" on storage.buckets for select to authenticated
      using (id = 'userfiles')`,
  ]) {
    await policy.execute(store.db);
  }
});

describe.each(blobBackends)('row level security over HTTP on the %s blob store', (backend) => {
  let fixture: StorageAppFixture;
  let asAlice: string;
  let asBob: string;
  let asAnon: string;

  beforeAll(async () => {
    fixture = await storageAppFixture(backend);
    asAlice = `Bearer ${await jwtFor({ role: 'authenticated', sub: alice })}`;
    asBob = `Bearer ${await jwtFor({ role: 'authenticated', sub: bob })}`;
    asAnon = `Bearer ${await jwtFor({ role: 'anon' })}`;
    const { request, service } = fixture;
    for (const name of ['userfiles', 'owned', 'no-update', 'legacy']) {
      await request.post('/bucket').set('authorization', service).send({ name });
    }
    for (const key of [`${alice}/a.txt`, `${bob}/b.txt`]) {
      await request
        .post(`/object/userfiles/${key}`)
        .set('authorization', service)
        .type('text/plain')
        .send(key);
    }
  });

  const upload = (who: string, path: string, body: string) =>
    fixture.request.post(`/object/${path}`).set('authorization', who).type('text/plain').send(body);
  const asService = (path: string) =>
    fixture.request.get(`/object/${path}`).set('authorization', fixture.service);

  it('lets a user write only into its own folder, storing no blob for a refused write', async () => {
    expect((await upload(asAlice, `userfiles/${alice}/new.txt`, 'mine')).body).toEqual({
      Key: `userfiles/${alice}/new.txt`,
      Id: expect.any(String),
    });
    const blobs = await fixture.storedBlobs();
    const refused = await upload(asAlice, `userfiles/${bob}/intruder.txt`, 'not mine');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      statusCode: '403',
      error: 'Unauthorized',
      code: 'AccessDenied',
      message: 'new row violates row-level security policy',
    });
    expect(await fixture.storedBlobs()).toEqual(blobs);
    expect((await asService(`userfiles/${bob}/intruder.txt`)).body.code).toBe('NoSuchKey');
  });

  it('lets a user list and read only its own folder', async () => {
    const { request } = fixture;
    const root = await request
      .post('/object/list/userfiles')
      .set('authorization', asAlice)
      .send({ prefix: '' });
    expect(root.body.map((entry: { name: string }) => entry.name)).toEqual([alice]);
    const bobs = await request
      .post('/object/list/userfiles')
      .set('authorization', asAlice)
      .send({ prefix: bob });
    expect(bobs.body).toEqual([]);
    const v2 = await request.post('/object/list-v2/userfiles').set('authorization', asBob).send({});
    expect(v2.body.objects.map((object: { name: string }) => object.name)).toEqual([`${bob}/b.txt`]);
    const own = await request.get(`/object/userfiles/${alice}/a.txt`).set('authorization', asAlice);
    expect(own.text).toBe(`${alice}/a.txt`);
  });

  it('answers for an object the caller may not see exactly as for a missing one', async () => {
    const { request } = fixture;
    const hidden = `userfiles/${bob}/b.txt`;
    const missing = `userfiles/${bob}/missing.txt`;
    const routes = [
      (path: string) => request.get(`/object/${path}`),
      (path: string) => request.get(`/object/authenticated/${path}`),
      (path: string) => request.get(`/object/info/${path}`),
      (path: string) => request.get(`/object/info/authenticated/${path}`),
      (path: string) => request.head(`/object/${path}`),
      (path: string) => request.post(`/object/sign/${path}`).send({ expiresIn: 60 }),
    ];
    for (const route of routes) {
      const [seen, absent] = await Promise.all([
        route(hidden).set('authorization', asAlice),
        route(missing).set('authorization', asAlice),
      ]);
      expect({ status: seen.status, body: seen.body }).toEqual({ status: absent.status, body: absent.body });
      expect(seen.status).toBe(400);
    }
    const info = await request.get(`/object/info/${hidden}`).set('authorization', asAlice);
    expect(info.body).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
    const many = await request
      .post('/object/sign/userfiles')
      .set('authorization', asAlice)
      .send({ expiresIn: 60, paths: [`${bob}/b.txt`, `${bob}/missing.txt`] });
    expect(many.body.map((entry: { error: string }) => entry.error)).toEqual([
      'Either the object does not exist or you do not have access to it',
      'Either the object does not exist or you do not have access to it',
    ]);
    for (const route of ['/object/copy', '/object/move']) {
      const res = await request
        .post(route)
        .set('authorization', asAlice)
        .send({ bucketId: 'userfiles', sourceKey: `${bob}/b.txt`, destinationKey: `${alice}/stolen.txt` });
      expect(res.body).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
    }
  });

  it('deletes nothing the caller may not see, and reports nothing deleted', async () => {
    const { request } = fixture;
    const one = await request.delete(`/object/userfiles/${bob}/b.txt`).set('authorization', asAlice);
    expect(one.body).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
    const many = await request
      .delete('/object/userfiles')
      .set('authorization', asAlice)
      .send({ prefixes: [`${bob}/b.txt`] });
    expect(many.body).toEqual([]);
    expect((await asService(`userfiles/${bob}/b.txt`)).text).toBe(`${bob}/b.txt`);
  });

  it('refuses anon everything the policies do not grant it', async () => {
    const { request } = fixture;
    expect((await upload(asAnon, `userfiles/${alice}/anon.txt`, 'x')).body).toMatchObject({
      statusCode: '403',
      code: 'AccessDenied',
    });
    const list = await request
      .post('/object/list/userfiles')
      .set('authorization', asAnon)
      .send({ prefix: alice });
    expect(list.body).toEqual([]);
    const read = await request.get(`/object/userfiles/${alice}/a.txt`).set('authorization', asAnon);
    expect(read.body).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
    const signUpload = await request
      .post(`/object/upload/sign/userfiles/${alice}/x.txt`)
      .set('authorization', asAnon);
    expect(signUpload.body).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
    const buckets = await request.get('/bucket').set('authorization', asAnon);
    expect(buckets.body).toEqual([]);
  });

  it('shows a user only the buckets its policies let it select', async () => {
    const res = await fixture.request.get('/bucket').set('authorization', asAlice);
    expect(res.body.map((bucket: { id: string }) => bucket.id)).toEqual(['userfiles']);
  });

  it('records the caller as owner, so an owner policy lets only that caller read', async () => {
    const { request } = fixture;
    expect((await upload(asAlice, 'owned/report.txt', 'alice wrote')).status).toBe(200);
    const info = await request.get('/object/info/owned/report.txt').set('authorization', asAlice);
    expect(info.body).toMatchObject({ name: 'report.txt' });
    const byBob = await request.get('/object/owned/report.txt').set('authorization', asBob);
    expect(byBob.body).toMatchObject({ code: 'NoSuchKey' });
  });

  it('refuses an upsert without an UPDATE policy, keeping the stored object', async () => {
    const { request } = fixture;
    expect((await upload(asAlice, 'no-update/n.txt', 'first')).status).toBe(200);
    const blobs = await fixture.storedBlobs();
    const upserted = await request
      .post('/object/no-update/n.txt')
      .set('authorization', asAlice)
      .set('x-upsert', 'true')
      .type('text/plain')
      .send('second');
    expect(upserted.body).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
    const put = await request
      .put('/object/no-update/n.txt')
      .set('authorization', asAlice)
      .type('text/plain')
      .send('third');
    expect(put.body).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
    expect((await asService('no-update/n.txt')).text).toBe('first');
    expect(await fixture.storedBlobs()).toEqual(blobs);
  });

  it('signs downloads only of what the caller may read; the signed URL then needs no token', async () => {
    const { request } = fixture;
    const signed = await request
      .post(`/object/sign/userfiles/${alice}/a.txt`)
      .set('authorization', asAlice)
      .send({ expiresIn: 60 });
    expect((await request.get(signed.body.signedURL)).text).toBe(`${alice}/a.txt`);
    const intoBobs = await request
      .post(`/object/upload/sign/userfiles/${bob}/x.txt`)
      .set('authorization', asAlice);
    expect(intoBobs.body).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
    const own = await request
      .post(`/object/upload/sign/userfiles/${alice}/signed.txt`)
      .set('authorization', asAlice);
    const put = await request.put(own.body.url).type('text/plain').send('signed upload');
    expect(put.body).toMatchObject({ Key: `userfiles/${alice}/signed.txt` });
    const read = await request.get(`/object/userfiles/${alice}/signed.txt`).set('authorization', asAlice);
    expect(read.text).toBe('signed upload');
  });

  it('honours policies written against request.jwt.claim.sub and request.jwt.claim.role', async () => {
    const { request } = fixture;
    expect((await upload(asAlice, 'legacy/mine.txt', 'legacy bytes')).status).toBe(200);
    expect((await request.get('/object/legacy/mine.txt').set('authorization', asAlice)).text).toBe(
      'legacy bytes',
    );
    expect((await request.get('/object/legacy/mine.txt').set('authorization', asBob)).body.code).toBe(
      'NoSuchKey',
    );
    const byBob = await request
      .delete('/object/legacy')
      .set('authorization', asBob)
      .send({ prefixes: ['mine.txt'] });
    expect(byBob.body).toEqual([]);
    const byAlice = await request
      .delete('/object/legacy')
      .set('authorization', asAlice)
      .send({ prefixes: ['mine.txt'] });
    expect(byAlice.body).toEqual([expect.objectContaining({ name: 'mine.txt' })]);
  });
});
