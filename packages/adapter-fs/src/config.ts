import { z } from 'zod';

/** Options of the filesystem blob store. */
export const fsBlobStoreConfig = z.object({
  /** The directory that holds every blob; nothing outside it is ever touched. */
  root: z.string().min(1),
});

export type FsBlobStoreConfig = z.infer<typeof fsBlobStoreConfig>;
