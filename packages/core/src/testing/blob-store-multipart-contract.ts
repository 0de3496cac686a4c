import type { BlobStore } from '../ports/blob-store';
import { bodyOf, expectStorageError, md5Hex, multipartEtag } from './blob-store-contract-fixtures';

const MiB = 2 ** 20;
/** Non-final parts are S3's smallest allowed part, so the suite holds on real S3 too. */
const part = (fill: string) => Buffer.alloc(5 * MiB, fill);

/** The multipart half of the BlobStore contract; see `blobStoreContract`. */
export function multipartContract(
  store: () => BlobStore,
  key: (path: string) => string,
  content: (key: string) => Promise<string>,
): void {
  describe('multipart uploads', () => {
    const upload = async (at: string, id: string, partNumber: number, bytes: Buffer) =>
      store().uploadPart(at, id, partNumber, bodyOf(bytes));

    it('assembles the parts in the order given, with S3’s etag', async () => {
      const at = key('multipart/assembled.bin');
      const [one, two, three] = [part('1'), part('2'), Buffer.from('the end')];
      const id = await store().createMultipartUpload(at);
      const third = await upload(at, id, 3, three);
      const first = await upload(at, id, 1, one);
      const second = await upload(at, id, 2, two);
      expect(first).toEqual({ size: one.length, etag: md5Hex(one) });
      expect(third).toEqual({ size: three.length, etag: md5Hex(three) });
      expect(await store().head(at)).toBeUndefined();

      const parts = [
        { partNumber: 1, etag: first.etag },
        { partNumber: 2, etag: second.etag },
        { partNumber: 3, etag: third.etag },
      ];
      const info = await store().completeMultipartUpload(at, id, parts);
      const whole = Buffer.concat([one, two, three]);
      expect(info).toEqual({ size: whole.length, etag: multipartEtag([one, two, three]) });
      expect(await store().head(at)).toMatchObject(info);
      expect(await content(at)).toBe(whole.toString());
    });

    it('replaces a part uploaded again under the same number', async () => {
      const at = key('multipart/replaced.bin');
      const id = await store().createMultipartUpload(at);
      await upload(at, id, 1, Buffer.from('first try'));
      const again = await upload(at, id, 1, Buffer.from('second try'));
      const info = await store().completeMultipartUpload(at, id, [{ partNumber: 1, etag: again.etag }]);
      expect(info).toEqual({ size: 10, etag: multipartEtag([Buffer.from('second try')]) });
      expect(await content(at)).toBe('second try');
    });

    it('leaves out parts the completion does not name', async () => {
      const at = key('multipart/subset.bin');
      const id = await store().createMultipartUpload(at);
      const one = await upload(at, id, 1, part('a'));
      await upload(at, id, 2, part('b'));
      const three = await upload(at, id, 3, Buffer.from('c'));
      const info = await store().completeMultipartUpload(at, id, [
        { partNumber: 1, etag: one.etag },
        { partNumber: 3, etag: three.etag },
      ]);
      expect(info).toEqual({ size: 5 * MiB + 1, etag: multipartEtag([part('a'), Buffer.from('c')]) });
    });

    it('refuses to complete with a part never uploaded, and keeps the upload', async () => {
      const at = key('multipart/gap.bin');
      const id = await store().createMultipartUpload(at);
      const one = await upload(at, id, 1, Buffer.from('only part'));
      const parts = [{ partNumber: 1, etag: one.etag }];
      await expectStorageError(
        store().completeMultipartUpload(at, id, [...parts, { partNumber: 2, etag: one.etag }]),
        'InvalidRequest',
      );
      expect(await store().head(at)).toBeUndefined();
      await store().completeMultipartUpload(at, id, parts);
      expect(await content(at)).toBe('only part');
    });

    it.each([0, 10_001, 1.5])('refuses part number %p with InvalidRequest', async (partNumber) => {
      const at = key('multipart/numbers.bin');
      const id = await store().createMultipartUpload(at);
      await expectStorageError(upload(at, id, partNumber, Buffer.from('x')), 'InvalidRequest');
      await store().abortMultipartUpload(at, id);
    });

    it('refuses an unknown upload with NoSuchUpload', async () => {
      const at = key('multipart/unknown.bin');
      const id = crypto.randomUUID();
      await expectStorageError(upload(at, id, 1, Buffer.from('x')), 'NoSuchUpload');
      await expectStorageError(
        store().completeMultipartUpload(at, id, [{ partNumber: 1, etag: 'x' }]),
        'NoSuchUpload',
      );
      await store().abortMultipartUpload(at, id);
    });

    it('forgets an upload once completed', async () => {
      const at = key('multipart/forgotten.bin');
      const id = await store().createMultipartUpload(at);
      const one = await upload(at, id, 1, Buffer.from('done'));
      await store().completeMultipartUpload(at, id, [{ partNumber: 1, etag: one.etag }]);
      await expectStorageError(upload(at, id, 2, Buffer.from('late')), 'NoSuchUpload');
    });

    it('discards an aborted upload and its parts', async () => {
      const at = key('multipart/aborted.bin');
      const id = await store().createMultipartUpload(at);
      const one = await upload(at, id, 1, Buffer.from('never seen'));
      await store().abortMultipartUpload(at, id);
      await expectStorageError(
        store().completeMultipartUpload(at, id, [{ partNumber: 1, etag: one.etag }]),
        'NoSuchUpload',
      );
      await expectStorageError(upload(at, id, 2, Buffer.from('late')), 'NoSuchUpload');
      expect(await store().head(at)).toBeUndefined();
    });
  });
}
