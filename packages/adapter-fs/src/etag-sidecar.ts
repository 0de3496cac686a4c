import type { BigIntStats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sha256Hex } from '@stowage/core';
import { MAX_NAME_BYTES } from './blob-path';

/**
 * A blob's etag, kept in a small JSON file beside it (`~m<name>`, in the store's own namespace) so that
 * head never re-reads the blob, and so a multipart etag — which no reading of the bytes can give back —
 * survives. The file also names the inode, size and mtime of the blob it describes: a sidecar that does
 * not match the blob beside it (a crash between the two renames, a file changed by hand) is ignored.
 */
interface Sidecar {
  readonly etag: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
}

/** Where the etag of the blob in `blobFile` is kept. */
export function sidecarPath(blobFile: string): string {
  const name = `~m${basename(blobFile)}`;
  const fits = Buffer.byteLength(name) <= MAX_NAME_BYTES;
  return join(dirname(blobFile), fits ? name : `~M${sha256Hex(name)}`);
}

/** The sidecar's content for a blob with these stats. */
export function sidecarOf(stats: BigIntStats, etag: string): string {
  const sidecar: Sidecar = {
    etag,
    ino: stats.ino.toString(),
    size: stats.size.toString(),
    mtimeNs: stats.mtimeNs.toString(),
  };
  return JSON.stringify(sidecar);
}

/** The etag recorded for the blob in `blobFile`, when a sidecar exists and describes that very file. */
export async function recordedEtag(blobFile: string, stats: BigIntStats): Promise<string | undefined> {
  let sidecar: Sidecar;
  try {
    sidecar = JSON.parse(await readFile(sidecarPath(blobFile), 'utf8'));
  } catch {
    return undefined;
  }
  const matches =
    sidecar.ino === stats.ino.toString() &&
    sidecar.size === stats.size.toString() &&
    sidecar.mtimeNs === stats.mtimeNs.toString();
  return matches && typeof sidecar.etag === 'string' ? sidecar.etag : undefined;
}
