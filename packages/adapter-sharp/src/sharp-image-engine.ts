import { Readable } from 'node:stream';
import { errors, type ImageEngine, type ImageRendering, type ResizeMode } from '@stowage/core';
import type SharpConstructor from 'sharp';
import type { FitEnum } from 'sharp';
import { type SharpImageEngineConfig, sharpImageEngineConfig } from './config';
import { JobSlots } from './job-slots';

const FITS: Record<ResizeMode, keyof FitEnum> = { cover: 'cover', contain: 'inside', fill: 'fill' };

type Sharp = typeof SharpConstructor;
let loaded: Promise<Sharp> | undefined;

/**
 * sharp and libvips, loaded on the first rendering: they take about 22 MiB that a server which never
 * renders an image should not carry.
 */
function loadSharp(): Promise<Sharp> {
  loaded ??= import('sharp').then(({ default: sharp }): Sharp => {
    // libvips' operation cache would keep decoded images between requests; renderings are cached in the
    // blob store instead, so memory stays at the images being worked on.
    sharp.cache(false);
    return sharp;
  });
  return loaded as Promise<Sharp>;
}

/** The image engine on sharp (libvips), in-process. */
export class SharpImageEngine implements ImageEngine {
  private readonly options: SharpImageEngineConfig;
  private readonly slots: JobSlots;

  constructor(options: SharpImageEngineConfig) {
    this.options = sharpImageEngineConfig.parse(options);
    this.slots = new JobSlots(this.options.concurrency);
  }

  render(openSource: () => Promise<Readable>, rendering: ImageRendering): Promise<Readable> {
    return this.slots.run(async () => {
      // sharp gathers a streamed input into one buffer before it decodes anyway; gathering it here lets a
      // failing source reject the job instead of leaving sharp waiting for the end of its input.
      const input = Buffer.concat(await (await openSource()).toArray());
      const sharp = await loadSharp();
      try {
        const output = await sharp(input, { limitInputPixels: this.options.maxPixels, failOn: 'warning' })
          .rotate()
          .resize({ width: rendering.width, height: rendering.height, fit: FITS[rendering.resize] })
          .toFormat(rendering.format, { quality: rendering.quality })
          .toBuffer();
        return Readable.from([output]);
      } catch (error) {
        throw refusal(error);
      }
    });
  }
}

/** sharp fails only on its input here: too many pixels, or bytes it cannot read as an image. */
function refusal(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return errors.entityTooLarge();
  }
  return errors.invalidRequest(`The object is not an image that can be transformed: ${message}`);
}
