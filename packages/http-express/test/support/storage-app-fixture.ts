import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@stowage/adapter-fs';
import type { StorageContext } from '@stowage/core';
import { MemoryMetadataStore } from '@stowage/core/testing';
import { SignJWT } from 'jose';
import supertest from 'supertest';
import { createStorageApp, JoseTokenService } from '../../src';
import { ScopeRecordingStore } from './scope-recording-store';

const blobRoots: string[] = [];
afterAll(() => {
  for (const root of blobRoots.splice(0)) rmSync(root, { recursive: true, force: true });
});

export const JWT_SECRET = 'a-test-secret-of-at-least-thirty-two-characters';

/** A caller's JWT signed with the test secret; `exp` in seconds from now. */
export async function jwtFor(claims: Record<string, unknown>, expiresIn = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/**
 * The app over a fresh file blob store in a temporary directory (`blobRoot`) and the in-memory metadata
 * store of core (recording scopes), with service_role and authenticated bearer headers ready.
 */
export async function storageAppFixture(settings: Partial<StorageContext['settings']> = {}) {
  const blobRoot = mkdtempSync(join(tmpdir(), 'stowage-http-'));
  blobRoots.push(blobRoot);
  const metadata = new ScopeRecordingStore(new MemoryMetadataStore());
  const context: StorageContext = {
    metadata,
    blobs: new FsBlobStore({ root: blobRoot }),
    tokens: new JoseTokenService({ jwtSecret: JWT_SECRET }),
    settings: { tenantId: 'stub', uploadFileSizeLimit: null, signedUploadExpiresIn: 7200, ...settings },
  };
  const app = createStorageApp({ context });
  const service = `Bearer ${await jwtFor({ role: 'service_role' })}`;
  const user = `Bearer ${await jwtFor({ role: 'authenticated', sub: '8f1b8a52-4a2b-4c71-9d2e-0b1c2d3e4f50' })}`;
  return { app, context, metadata, blobRoot, request: supertest(app), service, user };
}
