import { Readable } from 'node:stream';
import { type Caller, type Scope, type StorageContext, systemScope } from '../src';
import { MemoryBlobStore, MemoryMetadataStore, MemoryTokenService } from '../src/testing';

/** Every blob key a store was ever asked to write, so tests can prove what was left behind. */
export class RecordingBlobStore extends MemoryBlobStore {
  readonly written: string[] = [];
  override put(key: string, body: Readable) {
    this.written.push(key);
    return super.put(key, body);
  }
  /** The keys written that still hold a blob. */
  async surviving(): Promise<string[]> {
    const alive = await Promise.all(this.written.map(async (key) => ((await this.head(key)) ? key : null)));
    return alive.filter((key): key is string => key !== null);
  }
}

export function makeContext(settings: Partial<StorageContext['settings']> = {}) {
  const blobs = new RecordingBlobStore();
  const tokens = new MemoryTokenService();
  const context: StorageContext = {
    metadata: new MemoryMetadataStore(),
    blobs,
    tokens,
    settings: { tenantId: 'stub', uploadFileSizeLimit: null, signedUploadExpiresIn: 7200, ...settings },
  };
  return { context, blobs, tokens };
}

export const service: Scope = systemScope('test');

export const asUser = (sub: string): Scope => {
  const caller: Caller = { role: 'authenticated', claims: { role: 'authenticated', sub } };
  return { caller, operation: 'test' };
};

export const body = (text: string) => Readable.from([Buffer.from(text)]);

/** A body that sends some bytes and then fails, as an aborted client does. */
export const failingBody = () =>
  new Readable({
    read() {
      this.push(Buffer.from('partial'));
      this.destroy(new Error('client aborted'));
    },
  });

export const readAll = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};
