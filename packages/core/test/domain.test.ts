import { isMimeTypeAllowed, isValidBucketName, isValidKey, parseFileSize, smallestLimit } from '../src';

describe('object keys', () => {
  it.each(['a.txt', 'über/灯泡.jpeg', 'with space/+&%"\'.txt', 'a/b/c', '.hidden', 'a..b'])(
    'accepts %j',
    (key) => expect(isValidKey(key)).toBe(true),
  );
  it.each([
    '',
    '/lead',
    'a//b',
    'a/',
    './a',
    'a/../b',
    '..',
    'nul\u0000',
    'tab\t',
    'del\u007f',
    'x'.repeat(1025),
  ])('refuses %j', (key) => expect(isValidKey(key)).toBe(false));
  it('counts the 1024-byte limit in UTF-8 bytes', () => {
    expect(isValidKey('é'.repeat(512))).toBe(true);
    expect(isValidKey('é'.repeat(513))).toBe(false);
  });
});

describe('bucket names', () => {
  it.each(['avatars', 'a', 'A-b_c.d', 'x'.repeat(100)])('accepts %j', (name) =>
    expect(isValidBucketName(name)).toBe(true),
  );
  it.each(['', '.', '..', 'a/b', 'über', 'x'.repeat(101), 'sp ace', 'a\nb'])('refuses %j', (name) =>
    expect(isValidBucketName(name)).toBe(false),
  );
});

describe('file size limits', () => {
  it('reads numbers and decimal size strings', () => {
    expect(parseFileSize(1234)).toBe(1234);
    expect(parseFileSize('5MB')).toBe(5_000_000);
    expect(parseFileSize('1 kb')).toBe(1000);
    expect(parseFileSize('12')).toBe(12);
    expect(parseFileSize('1.5GB')).toBe(1_500_000_000);
    expect(parseFileSize(null)).toBeNull();
  });
  it('refuses nonsense', () => {
    expect(() => parseFileSize('lots')).toThrow(expect.objectContaining({ code: 'InvalidRequest' }));
    expect(() => parseFileSize(-1)).toThrow(expect.objectContaining({ code: 'InvalidRequest' }));
    expect(() => parseFileSize(1.5)).toThrow(expect.objectContaining({ code: 'InvalidRequest' }));
  });
  it('picks the strictest set limit', () => {
    expect(smallestLimit(null, 10, 5)).toBe(5);
    expect(smallestLimit(null, undefined)).toBeNull();
  });
});

describe('MIME allow-lists', () => {
  it('admits everything without a list', () => expect(isMimeTypeAllowed(null, 'application/zip')).toBe(true));
  it('matches wildcards, case and parameters', () => {
    expect(isMimeTypeAllowed(['image/*'], 'IMAGE/PNG')).toBe(true);
    expect(isMimeTypeAllowed(['text/plain'], 'text/plain;charset=UTF-8')).toBe(true);
    expect(isMimeTypeAllowed(['image/*'], 'application/zip')).toBe(false);
    expect(isMimeTypeAllowed(['image/png'], 'image/jpeg')).toBe(false);
  });
});
