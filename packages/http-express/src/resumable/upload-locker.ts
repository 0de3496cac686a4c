import type { ResumableUploadStore, UploadLock } from '@stowage/core';
import type { Lock, Locker, RequestRelease } from '@tus/utils';

/** tus's locker on the upload store's locks, which hold across server instances. */
export class UploadStoreLocker implements Locker {
  constructor(private readonly uploads: ResumableUploadStore) {}

  newLock(id: string): Lock {
    const { uploads } = this;
    let held: UploadLock | undefined;
    return {
      async lock(signal: AbortSignal, requestRelease: RequestRelease) {
        held = await uploads.lock(id, { signal, onRequested: () => void requestRelease() });
      },
      async unlock() {
        await held?.release();
      },
    };
  }
}
