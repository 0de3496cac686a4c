import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StorageClient } from '@supabase/storage-js';
import { dimensionsOf, renderAppFixture, testImage } from './support/render-app-fixture';

/** storage-js's transform options, unchanged, over a real loopback socket. */
describe('storage-js image transformation', () => {
  let fixture: Awaited<ReturnType<typeof renderAppFixture>>;
  let server: Server;
  let storage: StorageClient;

  beforeAll(async () => {
    fixture = await renderAppFixture();
    server = fixture.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const serviceKey = fixture.service.replace('Bearer ', '');
    storage = new StorageClient(url, { apikey: serviceKey, Authorization: `Bearer ${serviceKey}` });
    await storage.createBucket('private-pics', { public: false });
    await storage.createBucket('public-pics', { public: true });
    const photo = await testImage(400, 300);
    for (const bucket of ['private-pics', 'public-pics']) {
      const { error } = await storage
        .from(bucket)
        .upload('a b/photo.jpg', photo, { contentType: 'image/jpeg' });
      expect(error).toBeNull();
    }
  }, 180_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fixture.cleanup();
  });

  it('downloads a transformed image', async () => {
    const { data, error } = await storage
      .from('private-pics')
      .download('a b/photo.jpg', { transform: { width: 100, height: 100, resize: 'contain' } });
    expect(error).toBeNull();
    const bytes = Buffer.from(await (data as Blob).arrayBuffer());
    expect(await dimensionsOf(bytes)).toEqual({ width: 100, height: 75, format: 'jpeg' });
  });

  it('builds a public URL that renders', async () => {
    const { data } = storage
      .from('public-pics')
      .getPublicUrl('a b/photo.jpg', { transform: { width: 60, height: 60, quality: 50 } });
    expect(data.publicUrl).toContain('/render/image/public/public-pics/');
    const response = await fetch(data.publicUrl, { headers: { accept: 'image/webp' } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(await dimensionsOf(bytes)).toEqual({ width: 60, height: 60, format: 'webp' });
  });

  it('signs a URL bound to its transformation', async () => {
    const { data, error } = await storage.from('private-pics').createSignedUrl('a b/photo.jpg', 60, {
      transform: { width: 40, height: 20, resize: 'fill', format: 'origin' },
    });
    expect(error).toBeNull();
    const signedUrl = data?.signedUrl as string;
    expect(signedUrl).toContain('/render/image/sign/private-pics/');
    const response = await fetch(signedUrl, { headers: { accept: 'image/avif' } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(await dimensionsOf(bytes)).toEqual({ width: 40, height: 20, format: 'jpeg' });
  });
});
