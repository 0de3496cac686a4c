import type { Readable } from 'node:stream';
import type { ImageFormat, ResizeMode } from '../domain/image-transformation';

/** One rendering of an image: the box to fit (either side may be left to the ratio), and the encoding. */
export interface ImageRendering {
  readonly width?: number;
  readonly height?: number;
  readonly resize: ResizeMode;
  readonly quality: number;
  readonly format: ImageFormat;
}

/** Decodes, resizes and re-encodes images. */
export interface ImageEngine {
  /**
   * Renders the image `openSource` streams, honouring the image's orientation. Jobs run a bounded number
   * at a time: `openSource` is called only when this job's turn comes, so waiting jobs hold no source
   * open. Resolves with the encoded image once it is complete. Rejects with `InvalidRequest` when the
   * source is not an image it can read (or is corrupt), with `EntityTooLarge` when it has more pixels
   * than the engine admits, and with the source's own error when the source fails.
   */
  render(openSource: () => Promise<Readable>, rendering: ImageRendering): Promise<Readable>;
}
