import { Transform, type TransformCallback } from 'node:stream';
import { errors } from '../errors';

/** Passes bytes through and fails with `EntityTooLarge` as soon as more than `maxBytes` have flowed. */
export function sizeLimit(maxBytes: number | null): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (maxBytes !== null && seen > maxBytes) callback(errors.entityTooLarge());
      else callback(null, chunk);
    },
  });
}
