import { errors } from '../errors';

const decodeOnce = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
};

/**
 * Whether a signed route's path names the token's object. The path is accepted as it is or after one more
 * percent-decoding, because storage-js passes the returned URL through `encodeURI` a second time.
 */
export function assertPathMatchesToken(requestedPath: string, tokenUrl: string): void {
  if (requestedPath !== tokenUrl && decodeOnce(requestedPath) !== tokenUrl) {
    throw errors.invalidSignature('The URL does not match the signed object');
  }
}

/** Splits a token's `<bucket>/<key>` url. */
export function splitTokenUrl(url: string): { bucketId: string; key: string } {
  const slash = url.indexOf('/');
  if (slash <= 0) throw errors.invalidSignature();
  return { bucketId: url.slice(0, slash), key: url.slice(slash + 1) };
}
