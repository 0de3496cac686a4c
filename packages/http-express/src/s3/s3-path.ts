import type { Request } from 'express';

/** The bucket of a path-style `/s3/:bucket[/…]` request. */
export const bucketOf = (req: Request): string => String(req.params.bucket ?? '');
