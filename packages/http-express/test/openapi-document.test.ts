import { compileErrors, validate } from '@readme/openapi-parser';
import { createTestMetadataStore, type TestMetadataStore } from '@stowage/adapter-postgres/testing';
import { SharpImageEngine } from '@stowage/adapter-sharp';
import supertest from 'supertest';
import { createStorageApp } from '../src';
import { openApiPath } from '../src/openapi/openapi-document';
import { expressRoutes } from './support/express-routes';
import { storageAppFixture } from './support/storage-app-fixture';

/**
 * Routes that are deliberately not in the OpenAPI document. The S3 protocol endpoint speaks S3's XML API,
 * documented by S3 itself; everything else must be documented.
 */
const UNDOCUMENTED_MOUNTS = ['/s3'];
const undocumented = (mountPath: string) =>
  UNDOCUMENTED_MOUNTS.some((mount) => mountPath === mount || mountPath.startsWith(`${mount}/`));

// Resumable uploads keep their state in Postgres: one store (PGlite, or DATABASE_URL) for the file.
let made: TestMetadataStore;
beforeAll(async () => {
  made = await createTestMetadataStore(process.env.DATABASE_URL);
}, 180_000);
afterAll(() => made.cleanup());

/**
 * The app with every optional part switched on (S3 protocol, image rendering, resumable uploads), so all
 * routes exist.
 */
async function fullApp() {
  const { context } = await storageAppFixture('file');
  const app = createStorageApp({
    context,
    resumable: { uploads: made.store.resumableUploads, expiresInMs: 60_000 },
    s3: { accessKey: { id: 'key', secret: 'secret' } },
    images: {
      engine: new SharpImageEngine({ maxPixels: 1_000_000, concurrency: 1 }),
      settings: { minSize: 1, maxSize: 100, maxSourceBytes: 1_000_000 },
    },
  });
  return { app, request: supertest(app) };
}

describe('the OpenAPI document', () => {
  it('is served at /documentation/json and is a valid OpenAPI 3.1 document', async () => {
    const { request } = await fullApp();
    const response = await request.get('/documentation/json').expect(200);
    expect(response.body.openapi).toBe('3.1.0');
    // The validator dereferences the document in place: hand it a copy.
    const result = await validate(structuredClone(response.body));
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(result.specification).toBe('OpenAPI');
  });

  it('documents every route express serves, and nothing it does not', async () => {
    const { app, request } = await fullApp();
    const { body: document } = await request.get('/documentation/json').expect(200);
    const all = expressRoutes(app, () => false);
    expect(all.some((route) => route.path.startsWith('/s3'))).toBe(true);
    const served = expressRoutes(app, undocumented)
      .filter((route) => !undocumented(route.path))
      .map((route) => `${route.method.toUpperCase()} ${openApiPath(route.path)}`);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.length).toBeGreaterThan(20);
    expect(documented).toContain('GET /render/image/public/{bucket}/{key}');
    expect(documented).toContain('PATCH /upload/resumable/sign/{id}');
    expect([...new Set(served)].sort()).toEqual([...documented].sort());
  });

  it('documents the error envelope on every operation', async () => {
    const { request } = await storageAppFixture('file');
    const { body: document } = await request.get('/documentation/json').expect(200);
    expect(document.components.schemas.ErrorEnvelope.required).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'message', 'code']),
    );
    for (const operations of Object.values(
      document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>,
    )) {
      for (const operation of Object.values(operations)) {
        expect(operation.responses['4XX']).toEqual({ $ref: '#/components/responses/Error' });
      }
    }
  });

  it('takes request schemas from the validators: a body the route refuses is described as required', async () => {
    const { request } = await storageAppFixture('file');
    const { body: document } = await request.get('/documentation/json').expect(200);
    const create = document.paths['/bucket'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['name']);
    expect(create.security).toEqual([{ bearer: [] }, { apikey: [] }]);
    const list = document.paths['/bucket'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['limit', 'offset', 'sortColumn', 'sortOrder', 'search']));
    const key = document.paths['/object/{bucket}/{key}'].post.parameters.find(
      (p: { name: string }) => p.name === 'key',
    );
    expect(key).toMatchObject({ in: 'path', required: true });
  });

  it('serves the docs UI and its assets from the package, with no other origin', async () => {
    const { request } = await storageAppFixture('file');
    const page = await request.get('/documentation').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source).not.toMatch(/^(https?:)?\/\//);
      await request.get(`/${source}`).expect(200);
    }
    await request.get('/documentation/').expect(301).expect('location', '../documentation');
  });
});
