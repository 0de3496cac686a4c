import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type BlobInfo, type CompletedPart, errors, isStorageError } from '@stowage/core';
import { blobPath, UPLOADS_DIR } from './blob-path';
import { type BlobTree, unlinkIfPresent } from './blob-tree';
import { ContentDigest } from './content-digest';
import { hasErrno } from './has-errno';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The file in an upload's directory that names the key the upload will create. */
const KEY_FILE = 'key';

/**
 * Multipart uploads on disk: each upload is a directory `~uploads/<upload id>/` holding the target key
 * and one file per part, named by its number. Completing streams the chosen parts, in order, into a
 * temporary file that then becomes the blob like any put.
 */
export class FsMultipartUploads {
  private readonly dir: string;

  constructor(private readonly tree: BlobTree) {
    this.dir = join(tree.root, UPLOADS_DIR);
  }

  async create(key: string): Promise<string> {
    blobPath(this.tree.root, key);
    const uploadId = randomUUID();
    await mkdir(join(this.dir, uploadId), { recursive: true });
    await writeFile(join(this.dir, uploadId, KEY_FILE), key);
    return uploadId;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable): Promise<BlobInfo> {
    assertPartNumber(partNumber);
    const upload = await this.find(key, uploadId);
    const digest = new ContentDigest();
    const temp = await this.tree.writeTemp(body, digest.transform());
    try {
      await rename(temp.path, join(upload, String(partNumber)));
    } catch (error) {
      await unlinkIfPresent(temp.path);
      throw hasErrno(error, 'ENOENT') ? errors.noSuchUpload() : error;
    }
    return { size: digest.size, etag: digest.digest().toString('hex') };
  }

  async complete(key: string, uploadId: string, parts: readonly CompletedPart[]): Promise<BlobInfo> {
    const file = blobPath(this.tree.root, key);
    const upload = await this.find(key, uploadId);
    if (parts.length === 0) throw errors.invalidRequest('A multipart upload needs at least one part');
    const partFiles = parts.map(({ partNumber }) => join(upload, String(partNumber)));
    for (const [index, partFile] of partFiles.entries()) {
      const uploaded = await stat(partFile).catch(() => undefined);
      if (!uploaded?.isFile()) {
        throw errors.invalidRequest(`Part ${parts[index]?.partNumber} was never uploaded`);
      }
    }

    const digests: Buffer[] = [];
    let size = 0;
    const temp = await this.tree.writeTemp(
      (async function* () {
        for (const partFile of partFiles) {
          const digest = new ContentDigest();
          yield* digest.observe(createReadStream(partFile));
          digests.push(digest.digest());
          size += digest.size;
        }
      })(),
    );
    const etag = `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}`;
    await this.tree.commit(key, file, temp, etag);
    await rm(upload, { recursive: true, force: true });
    return { size, etag };
  }

  async abort(key: string, uploadId: string): Promise<void> {
    const upload = await this.find(key, uploadId).catch((error: unknown) => {
      if (isStorageError(error, 'NoSuchUpload')) return undefined;
      throw error;
    });
    if (upload) await rm(upload, { recursive: true, force: true });
  }

  /** The directory of an upload for `key`; rejects with NoSuchUpload when there is none. */
  private async find(key: string, uploadId: string): Promise<string> {
    blobPath(this.tree.root, key);
    if (!UPLOAD_ID.test(uploadId)) throw errors.noSuchUpload();
    const upload = join(this.dir, uploadId);
    const target = await readFile(join(upload, KEY_FILE), 'utf8').catch(() => undefined);
    if (target !== key) throw errors.noSuchUpload();
    return upload;
  }
}

function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    throw errors.invalidRequest(`Part number must be an integer from 1 to 10000, not ${partNumber}`);
  }
}
