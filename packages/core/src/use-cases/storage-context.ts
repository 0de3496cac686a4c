import type { BlobStore } from '../ports/blob-store';
import type { MetadataStore } from '../ports/metadata-store';
import type { TokenService } from '../ports/token-service';

export interface StorageSettings {
  /** Tenant id in blob keys (`TENANT_ID`, `stub` on a single-tenant server). */
  readonly tenantId: string;
  /** The global upload limit in bytes (`UPLOAD_FILE_SIZE_LIMIT`); `null` for none. */
  readonly uploadFileSizeLimit: number | null;
  /** Lifetime in seconds of signed upload URLs (`UPLOAD_SIGNED_URL_EXPIRATION_TIME`). */
  readonly signedUploadExpiresIn: number;
}

/** What every use case works with: the ports and the settings. */
export interface StorageContext {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly tokens: TokenService;
  readonly settings: StorageSettings;
}
