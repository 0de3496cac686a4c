import { createHash } from 'node:crypto';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';

/** Counts and MD5-hashes bytes as they stream past, so nothing is read twice. */
export class ContentDigest {
  size = 0;
  private readonly hash = createHash('md5');

  /** A Transform that hashes and counts each chunk on its way: a large body costs no promise per chunk. */
  transform(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback: TransformCallback) => {
        this.hash.update(chunk);
        this.size += chunk.length;
        callback(null, chunk);
      },
    });
  }

  /** `source` as a stream through `transform()`. An error on either side destroys both. */
  observe(source: AsyncIterable<Buffer>): Readable {
    return pipeline(source, this.transform(), () => undefined);
  }

  /** The binary MD5; call once, after the stream has ended. */
  digest(): Buffer {
    return this.hash.digest();
  }
}
