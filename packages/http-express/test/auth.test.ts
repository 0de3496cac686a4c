import { jwtFor, storageAppFixture } from './support/storage-app-fixture';

describe('auth', () => {
  it('refuses a protected route without any token as an InvalidRequest', async () => {
    const { request } = await storageAppFixture('file');
    const res = await request.get('/bucket');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toMatchObject({ statusCode: '400', error: 'Error', code: 'InvalidRequest' });
  });

  it('refuses an expired JWT with AccessDenied naming the failure', async () => {
    const { request } = await storageAppFixture('file');
    const expired = await jwtFor({ role: 'authenticated' }, -60);
    const res = await request.get('/bucket').set('authorization', `Bearer ${expired}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: '403',
      error: 'Unauthorized',
      code: 'AccessDenied',
      message: '"exp" claim timestamp check failed',
    });
  });

  it('refuses a JWT signed with another secret', async () => {
    const { request } = await storageAppFixture('file');
    const res = await request
      .get('/bucket')
      .set('authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl');
    expect(res.body).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
  });

  it('refuses an unsigned (alg none) JWT', async () => {
    const { request } = await storageAppFixture('file');
    const header = Buffer.from('{"alg":"none"}').toString('base64url');
    const payload = Buffer.from('{"role":"service_role"}').toString('base64url');
    const res = await request.get('/bucket').set('authorization', `Bearer ${header}.${payload}.`);
    expect(res.body).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
  });

  it('refuses a valid JWT with a role other than the three with HTTP 403', async () => {
    const { request } = await storageAppFixture('file');
    const postgres = await jwtFor({ role: 'postgres' });
    const res = await request.get('/bucket').set('authorization', `Bearer ${postgres}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: '403', error: 'Unauthorized', code: 'AccessDenied' });
  });

  it('prefers Authorization over apikey', async () => {
    const { request, service } = await storageAppFixture('file');
    const res = await request.get('/bucket').set('authorization', service).set('apikey', 'not-a-jwt');
    expect(res.status).toBe(200);
  });

  it('accepts the apikey header alone', async () => {
    const { request, service } = await storageAppFixture('file');
    const res = await request.get('/bucket').set('apikey', service.replace('Bearer ', ''));
    expect(res.status).toBe(200);
  });

  it('needs no token for /status and /version', async () => {
    const { request } = await storageAppFixture('file');
    expect((await request.get('/status')).status).toBe(200);
    expect((await request.get('/version')).status).toBe(200);
  });
});

describe('unknown routes', () => {
  it('answer in the JSON envelope', async () => {
    const { request } = await storageAppFixture('file');
    const res = await request.get('/nowhere');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
  });
});
