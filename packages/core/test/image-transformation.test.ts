import { outputFormat, parseImageTransformation, parseTransformationsClaim, type StorageError } from '../src';

const limits = { minSize: 1, maxSize: 2000 };
const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    return (error as StorageError).code;
  }
};

describe('image transformation parameters', () => {
  it('defaults to cover at quality 80 in a negotiated format', () => {
    expect(parseImageTransformation({}, limits)).toEqual({ resize: 'cover', quality: 80, keepFormat: false });
  });

  it('clamps dimensions and quality to their bounds', () => {
    expect(
      parseImageTransformation({ width: '9000', height: '0', quality: '5', format: 'origin' }, limits),
    ).toEqual({ width: 2000, height: 1, resize: 'cover', quality: 20, keepFormat: true });
    expect(parseImageTransformation({ quality: '101' }, limits).quality).toBe(100);
  });

  it.each([
    [{ width: '10.5' }],
    [{ height: 'tall' }],
    [{ quality: '1e3' }],
    [{ resize: 'crop' }],
    [{ format: 'webp' }],
  ])('refuses %p', (parameters) => {
    expect(codeOf(() => parseImageTransformation(parameters, limits))).toBe('InvalidRequest');
  });

  it("reads a token's transformations claim, ignoring what it does not know", () => {
    expect(
      parseTransformationsClaim('width:100,height:50,resize:fill,quality:60,format:origin,foo:1'),
    ).toEqual({
      width: '100',
      height: '50',
      resize: 'fill',
      quality: '60',
      format: 'origin',
    });
  });
});

describe('output format', () => {
  const negotiated = parseImageTransformation({}, limits);
  const origin = parseImageTransformation({ format: 'origin' }, limits);

  it.each([
    ['image/avif,image/webp,*/*', 'image/png', 'avif'],
    ['image/webp,*/*', 'image/png', 'webp'],
    ['image/avif;q=0,image/webp', 'image/jpeg', 'webp'],
    ['*/*', 'image/jpeg', 'jpeg'],
    [undefined, 'image/gif', 'gif'],
    [undefined, 'image/svg+xml', 'png'],
    [undefined, 'application/octet-stream', 'png'],
  ])('Accept %p for a %s source gives %s', (accept, source, format) => {
    expect(outputFormat(negotiated, accept, source)).toBe(format);
  });

  it('keeps the source format with origin whatever the client accepts', () => {
    expect(outputFormat(origin, 'image/avif,image/webp', 'image/jpeg; charset=binary')).toBe('jpeg');
  });
});
