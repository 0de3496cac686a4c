import { existsSync } from 'node:fs';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { chromium } from 'playwright-core';
import { type S3ServerFixture, s3ServerFixture } from './support/s3-server-fixture';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  // CI installs Chromium (.ci/run), so there the test must run; elsewhere it may be missing.
  if (process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the browser upload test`);
  console.warn(`Skipping the browser upload test: no browser at ${CHROMIUM} (apt-get install chromium)`);
}

const htmlAttribute = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

(available ? describe : describe.skip)('a browser POST upload from an HTML form in headless Chromium', () => {
  let fixture: S3ServerFixture;
  beforeAll(async () => {
    fixture = await s3ServerFixture();
    await fixture.s3().send(new CreateBucketCommand({ Bucket: 'browser' }));
  });
  afterAll(() => fixture.close());

  it('stores the chosen file and follows success_action_redirect', async () => {
    const s3 = fixture.s3();
    const done = `${fixture.origin}/status`;
    const { url, fields } = await createPresignedPost(
      s3 as unknown as Parameters<typeof createPresignedPost>[0],
      {
        Bucket: 'browser',
        Key: `photos/${'$'}{filename}`,
        Conditions: [
          ['content-length-range', 1, 1024 * 1024],
          ['starts-with', '$Content-Type', 'image/'],
        ],
        Fields: { success_action_redirect: done, 'Content-Type': 'image/png' },
      },
    );
    const inputs = Object.entries(fields)
      .map(
        ([name, value]) =>
          `<input type="hidden" name="${htmlAttribute(name)}" value="${htmlAttribute(value)}">`,
      )
      .join('');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      await page.setContent(
        `<form action="${htmlAttribute(url)}" method="post" enctype="multipart/form-data">${inputs}` +
          '<input type="file" name="file"><button type="submit">Upload</button></form>',
      );
      const png = Buffer.from('89504e470d0a1a0a', 'hex');
      await page.setInputFiles('input[type=file]', { name: 'cat.png', mimeType: 'image/png', buffer: png });
      await Promise.all([page.waitForURL((at) => at.pathname === '/status'), page.click('button')]);
      const landed = new URL(page.url());
      expect(Object.fromEntries(landed.searchParams)).toMatchObject({
        bucket: 'browser',
        key: 'photos/cat.png',
      });
      const stored = await s3.send(new GetObjectCommand({ Bucket: 'browser', Key: 'photos/cat.png' }));
      expect(stored.ContentType).toBe('image/png');
      expect(Buffer.from(await (stored.Body?.transformToByteArray() ?? []))).toEqual(png);
    } finally {
      await browser.close();
    }
  });
});
