import { z } from 'zod';

/** Options of the sharp image engine. */
export const sharpImageEngineConfig = z.object({
  /** Images with more pixels than this are refused before they are decoded (decompression bombs). */
  maxPixels: z.number().int().min(1),
  /**
   * Jobs that run at once; the others wait their turn. sharp works on libuv's thread pool (4 threads by
   * default), which file I/O shares: keep this below the pool's size so other requests keep moving.
   */
  concurrency: z.number().int().min(1),
});

export type SharpImageEngineConfig = z.infer<typeof sharpImageEngineConfig>;
