/** 1024 UTF-8 bytes: a 300-byte CJK segment, two 300-byte ASCII ones and a last one of `tail` bytes. */
export const nearLimit = (tail: number): string =>
  ['灯'.repeat(100), 'b'.repeat(300), 'c'.repeat(300), 'd'.repeat(tail)].join('/');

/** Keys every route must carry byte for byte (contract section 1), on every backend and from every client. */
export const matrixKeys = [
  'über/灯泡.jpeg',
  'a b/c+d&e.txt',
  '100%/x.txt',
  'q?x#y.txt',
  `quote"'.txt`,
  'brackets/[a] {b} <c>.txt',
  'emoji 😀/ok.txt',
  "subs/$&'()*,;=:@!.txt",
  'percent-looking/%20%2F%25.txt',
  `long/${'é'.repeat(150)}.bin`,
  nearLimit(121),
];

/**
 * Whether storage-js can name the key in a URL path: it puts keys into URLs raw, so `?` and `#` cut the
 * path short and `%` is read as an escape by any server.
 */
export const expressibleByStorageJs = (key: string): boolean => !/[?#%]/.test(key);

/** One name in its two Unicode normal forms: different bytes, so two keys. */
export const nfc = 'normal/caf\u00e9.txt';
export const nfd = 'normal/cafe\u0301.txt';
