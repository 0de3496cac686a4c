/** A key path as the Dart client sends it: each segment percent-encoded, sub-delimiters left raw. */
export const dartPath = (key: string): string =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (subDelimiter) =>
        decodeURIComponent(subDelimiter),
      ),
    )
    .join('/');

/** A form as the Dart client builds it: text fields first, then the file part named "" with filename="". */
export function dartForm(boundary: string, bytes: Buffer, contentType: string): Buffer {
  const head = [
    `--${boundary}`,
    'content-disposition: form-data; name="cacheControl"',
    '',
    '3600',
    `--${boundary}`,
    'content-disposition: form-data; name="metadata"',
    '',
    '{"from":"dart"}',
    `--${boundary}`,
    `content-type: ${contentType}`,
    'content-disposition: form-data; name=""; filename=""',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
}
