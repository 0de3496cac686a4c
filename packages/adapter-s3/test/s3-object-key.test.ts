import { MAX_KEY_BYTES, s3ObjectKey } from '../src/s3-object-key';

const key = (text: string) => s3ObjectKey(text, 255);
const bytesOf = (text: string) => Buffer.byteLength(text);

describe('s3ObjectKey', () => {
  it.each([
    'stub/avatars/folder/cat.png/0b6c8a9e-3f0e-4a55-9a53-2bd0c8c3c1a5',
    'stub/avatars/über/灯泡 & co+%.jpeg/v1',
    'stub/b/with space/a..b/.hidden/v',
    `stub/b/${'x'.repeat(255)}/v`,
  ])('keeps %j as given', (text) => {
    expect(key(text)).toBe(text);
  });

  it('escapes a segment starting with ~, which the reference never writes', () => {
    expect(key('stub/b/~tilde/~/v')).toBe('stub/b/~~tilde/~~/v');
  });

  it('shortens a segment longer than the limit to a hash and its beginning', () => {
    const long = 'é'.repeat(200);
    const mapped = key(`stub/b/${long}/v`).split('/');
    expect(mapped[2]).toMatch(/^~L[0-9a-f]{64}-é+$/);
    expect(bytesOf(mapped[2] ?? '')).toBeLessThanOrEqual(255);
    expect(mapped[3]).toBe('v');
  });

  it('keeps a key within S3’s 1024 bytes, with its leading segments', () => {
    const text = `stub/bucket/${Array.from({ length: 8 }, (_, i) => `${i}`.repeat(200)).join('/')}/version`;
    const mapped = key(text);
    expect(bytesOf(mapped)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(mapped.startsWith(`stub/bucket/${'0'.repeat(200)}/`)).toBe(true);
    expect(mapped).toMatch(/\/~K[0-9a-f]{64}$/);
  });

  it('maps distinct keys to distinct S3 keys', () => {
    const stem = 'p'.repeat(300);
    const keys = [
      `a/${stem}1`,
      `a/${stem}2`,
      `a/~L${stem}`,
      `a/~${stem}`,
      `a/${'q'.repeat(300)}/${stem}1/x`,
      `a/${'q'.repeat(300)}/${stem}1/y`,
      ...Array.from({ length: 3 }, (_, i) => `a/${'r'.repeat(250)}/`.repeat(5) + i),
    ];
    expect(new Set(keys.map(key)).size).toBe(keys.length);
  });

  it.each(['', 'a//b', '/a', 'a/', 'a/../b', 'a/./b', '..', 'a\0b', 'a\nb', 'a\u007fb', 'a\ud800b'])(
    'refuses %j with InvalidKey',
    (text) => {
      expect(() => key(text)).toThrow(expect.objectContaining({ code: 'InvalidKey' }));
    },
  );
});
