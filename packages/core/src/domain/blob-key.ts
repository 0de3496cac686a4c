/** Where the blob of one object version lives, the same layout the reference server uses. */
export interface BlobLocation {
  readonly tenantId: string;
  readonly bucketId: string;
  readonly key: string;
  readonly version: string;
}

export const blobKey = ({ tenantId, bucketId, key, version }: BlobLocation): string =>
  `${tenantId}/${bucketId}/${key}/${version}`;

/** A fresh, unguessable version id for a new blob. */
export const newVersion = (): string => crypto.randomUUID();
