import { storageAppFixture } from './support/storage-app-fixture';

/** A form as the Dart client builds it: text fields first, then the file part named "" with filename="". */
function dartForm(boundary: string, bytes: string, contentType: string): Buffer {
  return Buffer.from(
    [
      `--${boundary}`,
      'content-disposition: form-data; name="cacheControl"',
      '',
      '3600',
      `--${boundary}`,
      'content-disposition: form-data; name="metadata"',
      '',
      '{"from":"dart"}',
      `--${boundary}`,
      `content-type: ${contentType}`,
      'content-disposition: form-data; name=""; filename=""',
      '',
      bytes,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

describe('the Dart client', () => {
  it('uploads a file part named "" with filename=""', async () => {
    const { request, service } = await storageAppFixture();
    await request
      .post('/bucket')
      .set('authorization', service)
      .send({ name: 'docs', file_size_limit: '1MB' });
    const res = await request
      .post('/object/docs/pic%20%231.png')
      .set('authorization', service)
      .set('content-type', 'multipart/form-data; boundary=dart-boundary')
      .send(dartForm('dart-boundary', 'png bytes', 'image/png'));
    expect(res.body).toEqual({ Key: 'docs/pic #1.png', Id: expect.any(String) });
    const info = await request.get('/object/info/docs/pic%20%231.png?').set('authorization', service);
    expect(info.body).toMatchObject({
      size: 9,
      content_type: 'image/png',
      cache_control: '3600',
      metadata: { from: 'dart' },
    });
  });

  it('gets 400 or 404 from a HEAD on a missing object, sent with a JSON content type', async () => {
    const { request, service } = await storageAppFixture();
    await request.post('/bucket').set('authorization', service).send({ name: 'docs' });
    const res = await request
      .head('/object/docs/missing.png')
      .set('authorization', service)
      .set('content-type', 'application/json');
    expect([400, 404]).toContain(res.status);
  });
});
