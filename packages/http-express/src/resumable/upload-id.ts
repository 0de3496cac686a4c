/** What an upload id names: the object and the blob version the upload writes. */
export interface UploadTarget {
  readonly bucketId: string;
  readonly objectName: string;
  readonly version: string;
}

/** The upload id in the URL: base64url of `<bucket>/<objectName>/<version>`, as the reference makes it. */
export const uploadIdOf = ({ bucketId, objectName, version }: UploadTarget): string =>
  Buffer.from(`${bucketId}/${objectName}/${version}`, 'utf8').toString('base64url');

/** The target an upload id names, or `undefined` when it is not one of ours. */
export function uploadTargetOf(id: string): UploadTarget | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return undefined;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const first = text.indexOf('/');
  const last = text.lastIndexOf('/');
  if (first <= 0 || last <= first + 1 || last === text.length - 1) return undefined;
  return {
    bucketId: text.slice(0, first),
    objectName: text.slice(first + 1, last),
    version: text.slice(last + 1),
  };
}
