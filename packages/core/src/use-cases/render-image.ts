import { pipeline, type Readable } from 'node:stream';
import {
  describeRendering,
  type ImageFormat,
  type ImageSizeLimits,
  type ImageTransformation,
} from '../domain/image-transformation';
import type { StoredObject } from '../domain/stored-object';
import { errors } from '../errors';
import type { ImageEngine } from '../ports/image-engine';
import { readObject } from './read-object';
import { renderedImagesPrefix, renderingId } from './rendered-image-key';
import { sizeLimit } from './size-limit';
import type { StorageContext } from './storage-context';

export interface ImageSettings extends ImageSizeLimits {
  /** The largest source, in bytes, that is transformed. */
  readonly maxSourceBytes: number;
}

/** What image transformation works with, beside the storage context. */
export interface ImageContext {
  readonly engine: ImageEngine;
  readonly settings: ImageSettings;
}

/** One rendering of one object, known before any image work: where it is cached and how it is labelled. */
export interface ImageRenderingPlan {
  readonly key: string;
  /** Quoted; changes with the source's version and content and with the rendering. */
  readonly etag: string;
  readonly contentType: string;
  readonly transformation: ImageTransformation;
  readonly format: ImageFormat;
}

/** Names the rendering of `object` by `transformation` into `format`. */
export function planImageRendering(
  context: StorageContext,
  object: StoredObject,
  transformation: ImageTransformation,
  format: ImageFormat,
): ImageRenderingPlan {
  const id = renderingId(object, describeRendering(transformation, format));
  return {
    key: `${renderedImagesPrefix(context, object)}${id}`,
    etag: `"${id}"`,
    contentType: `image/${format}`,
    transformation,
    format,
  };
}

/**
 * Makes sure the planned rendering is in the blob store and resolves with its size: a rendering made
 * before is found there and costs no image work; otherwise the source is streamed from the blob store
 * through the engine and the result stored. Sources over the size limit are refused with `EntityTooLarge`.
 */
export async function renderImage(
  context: StorageContext,
  images: ImageContext,
  object: StoredObject,
  plan: ImageRenderingPlan,
): Promise<number> {
  const cached = await context.blobs.head(plan.key);
  if (cached) return cached.size;
  const { maxSourceBytes } = images.settings;
  if ((object.metadata?.size ?? 0) > maxSourceBytes) throw errors.entityTooLarge();
  const openSource = async () => {
    const limited = sizeLimit(maxSourceBytes);
    pipeline(await readObject(context, object), limited, () => undefined);
    return limited;
  };
  const { width, height, resize, quality } = plan.transformation;
  const rendered = await images.engine.render(openSource, {
    width,
    height,
    resize,
    quality,
    format: plan.format,
  });
  return (await context.blobs.put(plan.key, rendered)).size;
}

/** Streams a rendering `renderImage` stored. */
export function readRenderedImage(context: StorageContext, plan: ImageRenderingPlan): Promise<Readable> {
  return context.blobs.get(plan.key);
}
