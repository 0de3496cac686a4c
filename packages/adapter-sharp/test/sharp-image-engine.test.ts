import { PassThrough, Readable } from 'node:stream';
import { errors, type ImageRendering, isStorageError } from '@stowage/core';
import sharp from 'sharp';
import { SharpImageEngine } from '../src';

const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();
const rendering: ImageRendering = { width: 50, height: 50, resize: 'cover', quality: 80, format: 'webp' };
const bytesOf = async (stream: Readable) => Buffer.concat(await stream.toArray());

describe('SharpImageEngine', () => {
  const engine = new SharpImageEngine({ maxPixels: 1_000_000, concurrency: 1 });

  it('renders the box in the asked format', async () => {
    const source = await jpeg(300, 200);
    const output = await bytesOf(await engine.render(async () => Readable.from([source]), rendering));
    expect(await sharp(output).metadata()).toMatchObject({ width: 50, height: 50, format: 'webp' });
  });

  it('honours the orientation recorded in EXIF', async () => {
    const rotated = await sharp(await jpeg(300, 200))
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const contain = { ...rendering, width: 100, height: 100, resize: 'contain' as const };
    const output = await bytesOf(await engine.render(async () => Readable.from([rotated]), contain));
    expect(await sharp(output).metadata()).toMatchObject({ width: 67, height: 100 });
  });

  it('refuses images with more pixels than allowed before decoding them', async () => {
    const large = await jpeg(1001, 1000);
    const refusal = await engine.render(async () => Readable.from([large]), rendering).catch((e) => e);
    expect(isStorageError(refusal, 'EntityTooLarge')).toBe(true);
  });

  it('refuses bytes that are not an image', async () => {
    const refusal = await engine
      .render(async () => Readable.from([Buffer.from('plain text')]), rendering)
      .catch((e) => e);
    expect(isStorageError(refusal, 'InvalidRequest')).toBe(true);
  });

  it("passes the source's own failure on", async () => {
    const failing = new Readable({
      read() {
        this.destroy(errors.noSuchKey());
      },
    });
    const refusal = await engine.render(async () => failing, rendering).catch((e) => e);
    expect(isStorageError(refusal, 'NoSuchKey')).toBe(true);
  });

  it('runs no more jobs at once than its concurrency, opening sources only in turn', async () => {
    const single = new SharpImageEngine({ maxPixels: 1_000_000, concurrency: 1 });
    const source = await jpeg(200, 100);
    const slow = new PassThrough();
    let secondOpened = false;
    const first = single.render(async () => slow, rendering);
    const second = single.render(async () => {
      secondOpened = true;
      return Readable.from([source]);
    }, rendering);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(secondOpened).toBe(false);
    slow.end(source);
    await first;
    await second;
    expect(secondOpened).toBe(true);
  });
});
