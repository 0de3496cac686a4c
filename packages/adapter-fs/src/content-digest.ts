import { createHash } from 'node:crypto';

/** Counts and MD5-hashes bytes as they stream past, so nothing is read twice. */
export class ContentDigest {
  size = 0;
  private readonly hash = createHash('md5');

  async *observe(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      this.hash.update(chunk);
      this.size += chunk.length;
      yield chunk;
    }
  }

  /** The binary MD5; call once, after the stream has ended. */
  digest(): Buffer {
    return this.hash.digest();
  }
}
