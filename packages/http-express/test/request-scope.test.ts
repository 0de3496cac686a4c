import { storageAppFixture } from './support/storage-app-fixture';

describe('request scope', () => {
  it('runs the use case as the caller, naming the operation and the request', async () => {
    const { request, service, user, metadata: store } = await storageAppFixture('file');
    await request.post('/bucket').set('authorization', service).send({ name: 'docs' });
    store.scopes.length = 0;
    await request
      .post('/object/docs/a%20b.txt')
      .set('authorization', user)
      .set('x-client-info', 'test')
      .type('text/plain')
      .send('x');
    const callerScopes = store.scopes.filter((scope) => scope.caller.role === 'authenticated');
    expect(callerScopes.length).toBeGreaterThan(0);
    expect(callerScopes[0]).toMatchObject({
      operation: 'object.upload',
      caller: { claims: { role: 'authenticated', sub: '8f1b8a52-4a2b-4c71-9d2e-0b1c2d3e4f50' } },
      request: {
        method: 'POST',
        path: '/object/docs/a%20b.txt',
        headers: expect.objectContaining({ 'x-client-info': 'test', authorization: user }),
      },
    });
    expect(callerScopes[0]?.caller.token).toBe(user.replace('Bearer ', ''));
  });

  it('names a public download object.get', async () => {
    const { request, service, metadata: store } = await storageAppFixture('file');
    await request.post('/bucket').set('authorization', service).send({ name: 'docs', public: true });
    await request.post('/object/docs/a.txt').set('authorization', service).type('text/plain').send('x');
    store.scopes.length = 0;
    await request.get('/object/public/docs/a.txt');
    expect(store.scopes.map((scope) => scope.operation)).toEqual(['object.get']);
  });
});
