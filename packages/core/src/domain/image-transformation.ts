import { errors } from '../errors';

export const RESIZE_MODES = ['cover', 'contain', 'fill'] as const;
/** `cover` fills the box and crops, `contain` fits inside it keeping the ratio, `fill` stretches. */
export type ResizeMode = (typeof RESIZE_MODES)[number];

/** Formats a transformed image can be written in. */
export type ImageFormat = 'avif' | 'webp' | 'jpeg' | 'png' | 'gif' | 'tiff';

/** What the caller asked for, validated and clamped. */
export interface ImageTransformation {
  readonly width?: number;
  readonly height?: number;
  readonly resize: ResizeMode;
  readonly quality: number;
  /** `origin` keeps the source's format; otherwise the format is negotiated from `Accept`. */
  readonly keepFormat: boolean;
}

/** The bounds of `width` and `height` (`IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE` / `_MAX_SIZE`). */
export interface ImageSizeLimits {
  readonly minSize: number;
  readonly maxSize: number;
}

/** Transformation parameters as they arrive, from a query string or a token's `transformations` claim. */
export interface TransformationParameters {
  readonly width?: string;
  readonly height?: string;
  readonly resize?: string;
  readonly quality?: string;
  readonly format?: string;
}

export const MIN_QUALITY = 20;
export const MAX_QUALITY = 100;
export const DEFAULT_QUALITY = 80;

const INTEGER = /^[+-]?\d{1,12}$/;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!INTEGER.test(value.trim())) throw errors.invalidRequest(`${name} must be an integer`);
  return Number(value.trim());
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/**
 * Validates transformation parameters: dimensions and quality must be integers and are clamped to their
 * bounds, `resize` must be one of the modes, `format` may only be `origin`.
 */
export function parseImageTransformation(
  parameters: TransformationParameters,
  limits: ImageSizeLimits,
): ImageTransformation {
  const width = integer('width', parameters.width);
  const height = integer('height', parameters.height);
  const quality = integer('quality', parameters.quality);
  const resize = parameters.resize || 'cover';
  if (!(RESIZE_MODES as readonly string[]).includes(resize)) {
    throw errors.invalidRequest(`resize must be one of ${RESIZE_MODES.join(', ')}`);
  }
  const format = parameters.format || undefined;
  if (format !== undefined && format !== 'origin') throw errors.invalidRequest('format must be origin');
  return {
    ...(width !== undefined && { width: clamp(width, limits.minSize, limits.maxSize) }),
    ...(height !== undefined && { height: clamp(height, limits.minSize, limits.maxSize) }),
    resize: resize as ResizeMode,
    quality: clamp(quality ?? DEFAULT_QUALITY, MIN_QUALITY, MAX_QUALITY),
    keepFormat: format === 'origin',
  };
}

/** The parameters in a token's `transformations` claim (`width:100,height:100,resize:cover`). */
export function parseTransformationsClaim(claim: string): TransformationParameters {
  const parameters: Record<string, string> = {};
  for (const entry of claim.split(',')) {
    const colon = entry.indexOf(':');
    if (colon > 0) parameters[entry.slice(0, colon).trim()] = entry.slice(colon + 1).trim();
  }
  const { width, height, resize, quality, format } = parameters;
  return { width, height, resize, quality, format };
}

const SOURCE_FORMATS: Record<string, ImageFormat> = {
  'image/avif': 'avif',
  'image/webp': 'webp',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
};

/** Whether an `Accept` header names a media type (with a quality above zero). */
function accepts(accept: string, mediaType: string): boolean {
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return type === mediaType && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * The format to write: AVIF, then WebP, when the client accepts them (unless `origin` was asked for);
 * else the source's format, read from its content type. A source whose format cannot be written (an SVG,
 * a HEIC, an unlabelled image) becomes PNG, which keeps transparency and loses nothing.
 */
export function outputFormat(
  transformation: ImageTransformation,
  accept: string | undefined,
  sourceContentType: string | undefined,
): ImageFormat {
  if (!transformation.keepFormat && accept) {
    if (accepts(accept, 'image/avif')) return 'avif';
    if (accepts(accept, 'image/webp')) return 'webp';
  }
  const essence = (sourceContentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return SOURCE_FORMATS[essence] ?? 'png';
}

/** One stable text per distinct rendering, for cache keys and ETags. */
export function describeRendering(transformation: ImageTransformation, format: ImageFormat): string {
  const { width, height, resize, quality } = transformation;
  return `w${width ?? ''}-h${height ?? ''}-${resize}-q${quality}-${format}`;
}
