import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { blobBackends, storageAppFixture } from './support/storage-app-fixture';

describe.each(blobBackends)('streaming uploads on the %s blob store', (backend) => {
  describe('upload', () => {
    it('stores nothing when the client aborts mid-body', async () => {
      const { app, request, service, storedBlobs } = await storageAppFixture(backend);
      await request.post('/bucket').set('authorization', service).send({ name: 'docs' });
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        for (const contentType of ['application/octet-stream', 'multipart/form-data; boundary=xyz']) {
          const upload = httpRequest({
            port: (server.address() as AddressInfo).port,
            host: '127.0.0.1',
            method: 'POST',
            path: '/object/docs/aborted.bin',
            headers: { authorization: service, 'content-type': contentType, 'content-length': '100000' },
          });
          upload.on('error', () => undefined);
          const body = contentType.startsWith('multipart')
            ? '--xyz\r\ncontent-disposition: form-data; name=""; filename="a"\r\n\r\npartial'
            : 'partial';
          upload.write(body);
          await sleep(100);
          upload.destroy();
          await sleep(100);
          const info = await request.get('/object/info/docs/aborted.bin').set('authorization', service);
          expect(info.body.code).toBe('NoSuchKey');
        }
        expect(await storedBlobs()).toEqual([]);
      } finally {
        server.close();
      }
    });

    it('lets exactly one of two racing uploads of a new key win', async () => {
      const { request, service } = await storageAppFixture(backend);
      await request.post('/bucket').set('authorization', service).send({ name: 'docs' });
      const race = await Promise.all(
        ['one', 'two'].map((body) =>
          request.post('/object/docs/race.txt').set('authorization', service).send(body),
        ),
      );
      const codes = race.map((res) => res.body.code ?? 'ok').sort();
      expect(codes).toEqual(['KeyAlreadyExists', 'ok']);
    });

    it('enforces the global limit on a chunked body', async () => {
      const { app, request, service } = await storageAppFixture(backend, { uploadFileSizeLimit: 5 });
      await request.post('/bucket').set('authorization', service).send({ name: 'docs' });
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const upload = httpRequest({
          port: (server.address() as AddressInfo).port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/object/docs/big.txt',
          headers: { authorization: service, 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
        });
        upload.write('more than ');
        upload.end('five bytes');
        const [response] = (await once(upload, 'response')) as [NodeJS.ReadableStream];
        let text = '';
        for await (const chunk of response) text += chunk;
        expect(JSON.parse(text)).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' });
      } finally {
        server.close();
      }
    });

    it('answers 413-in-body to a large raw or multipart body over the bucket limit, closing the connection', async () => {
      const { request, service } = await storageAppFixture(backend);
      await request.post('/bucket').set('authorization', service).send({ name: 'docs', file_size_limit: 10 });
      const raw = await request
        .post('/object/docs/raw.bin')
        .set('authorization', service)
        .type('application/octet-stream')
        .send(Buffer.alloc(20e6));
      expect(raw.body).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' });
      expect(raw.headers.connection).toBe('close');
      const form = await request
        .post('/object/docs/form.bin')
        .set('authorization', service)
        .attach('', Buffer.alloc(20e6), { filename: 'form.bin', contentType: 'application/octet-stream' });
      expect(form.body).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' });
      expect(form.headers.connection).toBe('close');
    });
  });
});
