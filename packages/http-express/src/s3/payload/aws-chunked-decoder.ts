import { createHash, type Hash, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { s3Errors } from '../s3-error';
import type { SigningContext } from '../sigv4/signature-verifier';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** A chunk header or trailer line is short; anything longer is not aws-chunked. */
const MAX_LINE = 4096;
const CHUNK_HEADER = /^([0-9a-fA-F]+)(?:;chunk-signature=([0-9a-f]{64}))?$/;

type State = 'header' | 'data' | 'data-end' | 'trailer' | 'done';

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n`…, a zero-size last chunk,
 * then optional trailer lines) into the bare bytes. With a signing context every chunk's signature is
 * checked, chained from the seed signature, and so is the trailer's, when signed. A chunk whose signature
 * is wrong fails the stream at the chunk's end, so the upload it feeds stores nothing.
 */
export class AwsChunkedDecoder extends Transform {
  private state: State = 'header';
  private line = '';
  private remaining = 0;
  private chunkSignature?: string;
  private chunkHash?: Hash;
  private previousSignature: string;
  private trailers: string[] = [];
  private pendingChecks: Promise<void> = Promise.resolve();

  /** `signing` when chunks are signed; `trailerSigned` when the trailer must carry a signature too. */
  constructor(
    private readonly signing?: SigningContext,
    private readonly trailerSigned = false,
  ) {
    super();
    this.previousSignature = signing?.auth.signature ?? '';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.pendingChecks.then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== 'done' && !(this.state === 'trailer' && this.line === '')) {
      callback(s3Errors.incompleteBody('The aws-chunked body ended mid-chunk'));
      return;
    }
    this.pendingChecks.then(() => this.checkTrailer()).then(() => callback(), callback);
  }

  private consume(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, chunk.length - at);
        const piece = chunk.subarray(at, at + take);
        this.chunkHash?.update(piece);
        this.push(piece);
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) {
          this.endChunk();
          this.state = 'data-end';
        }
        continue;
      }
      if (this.state === 'done') throw s3Errors.incompleteBody('Bytes after the end of the aws-chunked body');
      const newline = chunk.indexOf(0x0a, at);
      const end = newline === -1 ? chunk.length : newline;
      this.line += chunk.toString('latin1', at, end);
      if (this.line.length > MAX_LINE) throw s3Errors.incompleteBody('Malformed aws-chunked body');
      at = end;
      if (newline === -1) continue;
      at += 1;
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw s3Errors.incompleteBody('Malformed aws-chunked body');
      this.state = 'header';
      return;
    }
    if (this.state === 'trailer') {
      if (line === '') this.state = 'done';
      else this.trailers.push(line);
      return;
    }
    const match = CHUNK_HEADER.exec(line);
    if (!match) throw s3Errors.incompleteBody('Malformed aws-chunked chunk header');
    const size = Number.parseInt(match[1] ?? '', 16);
    if (this.signing && !match[2]) throw s3Errors.signatureDoesNotMatch();
    this.chunkSignature = match[2];
    this.chunkHash = this.signing ? createHash('sha256') : undefined;
    if (size === 0) {
      this.endChunk();
      this.state = 'trailer';
      return;
    }
    this.remaining = size;
    this.state = 'data';
  }

  /** Queues the check of the chunk just read: signatures chain, so they are checked in order. */
  private endChunk(): void {
    const given = this.chunkSignature;
    const hash = this.chunkHash?.digest('hex');
    if (!given || !hash || !this.signing) return;
    const previous = this.previousSignature;
    this.previousSignature = given;
    const signing = this.signing;
    const stringToSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      signing.auth.longDate,
      signing.scope,
      previous,
      EMPTY_SHA256,
      hash,
    ].join('\n');
    this.pendingChecks = this.pendingChecks.then(() => expectSignature(signing, stringToSign, given));
  }

  /** A signed trailer (`x-amz-trailer-signature`) signs the trailer lines, chained from the last chunk. */
  private async checkTrailer(): Promise<void> {
    if (!this.signing || !this.trailerSigned) return;
    const signatureLine = this.trailers.find((line) => line.startsWith('x-amz-trailer-signature:'));
    if (!signatureLine) throw s3Errors.signatureDoesNotMatch();
    const given = signatureLine.slice('x-amz-trailer-signature:'.length).trim();
    const text = this.trailers
      .filter((line) => line !== signatureLine)
      .map((line) => `${line}\n`)
      .join('');
    const stringToSign = [
      'AWS4-HMAC-SHA256-TRAILER',
      this.signing.auth.longDate,
      this.signing.scope,
      this.previousSignature,
      createHash('sha256').update(text).digest('hex'),
    ].join('\n');
    await expectSignature(this.signing, stringToSign, given);
  }
}

async function expectSignature(signing: SigningContext, stringToSign: string, given: string): Promise<void> {
  const expected = await signing.signer.sign(stringToSign, {
    signingDate: signing.auth.signingDate,
    signingRegion: signing.auth.region,
    signingService: signing.auth.service,
  });
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw s3Errors.signatureDoesNotMatch();
}
