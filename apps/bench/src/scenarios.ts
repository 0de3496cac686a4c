import { type BenchEnv, PRIVATE_BUCKET, PUBLIC_BUCKET } from './bench-env';
import { bytesOf, GIB, generated, KIB, MIB } from './fixtures';
import type { BenchRequest } from './load';
import type { Scenario, ScenarioSide } from './scenario';

const CONNECTIONS = 32;
const ONE_KIB = 'bench/one-kib.bin';
const LISTED = 1000;
const MILLION = 1_000_000;

const timed = (env: BenchEnv, connections: number, request: ScenarioSide['request']): ScenarioSide => ({
  connections,
  warmup: { durationMs: env.timing.warmupMs },
  run: { durationMs: env.timing.durationMs },
  request,
});

const counted = (connections: number, count: number, request: ScenarioSide['request']): ScenarioSide => ({
  connections,
  warmup: { count },
  run: { count },
  request,
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A fresh key for every request of a side across warm-up and runs, or one of `slots` keys in turn. */
function keys(prefix: string, slots?: number): () => string {
  let next = 0;
  return () => `${prefix}${slots ? next++ % slots : next++}`;
}

const uploadRequest = (path: string, headers: Record<string, string>, size: number): BenchRequest => ({
  method: 'POST',
  path,
  headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(size) },
  body: size <= MIB ? bytesOf(size) : () => generated(size),
  bytesOut: size,
  status: 200,
});

/** The baseline's answer to every 1 KiB read: stat and stream the file. */
async function baselineOneKib(env: BenchEnv): Promise<ScenarioSide> {
  await env.fixture(PRIVATE_BUCKET, ONE_KIB, KIB);
  return timed(env, CONNECTIONS, () => ({ method: 'GET', path: `/${ONE_KIB}`, status: 200, length: KIB }));
}

/** A 1 KiB read of Stowage, against the baseline's download of the same bytes. */
function oneKibRead(
  id: string,
  title: string,
  target: number | undefined,
  request: (env: BenchEnv) => Promise<ScenarioSide['request']>,
): Scenario {
  return {
    id,
    title,
    bytes: 0,
    target,
    async setup(env) {
      const baseline = await baselineOneKib(env);
      return { stowage: timed(env, CONNECTIONS, await request(env)), baseline };
    },
  };
}

/** Downloads of a seeded object: `connections` at a time, timed for small objects, counted for large. */
function download(id: string, title: string, name: string, size: number, connections: number): Scenario {
  const length = (env: BenchEnv, request: ScenarioSide['request']) =>
    size >= 100 * MIB ? counted(connections, connections, request) : timed(env, connections, request);
  return {
    id,
    title,
    bytes: size,
    target: 0.7,
    heavy: size >= 100 * MIB,
    async setup(env) {
      await env.fixture(PRIVATE_BUCKET, name, size);
      const token = bearer(env.stowage.userToken);
      return {
        stowage: length(env, () => ({
          method: 'GET',
          path: `/object/${PRIVATE_BUCKET}/${name}`,
          headers: token,
          status: 200,
          length: size,
        })),
        baseline: length(env, () => ({ method: 'GET', path: `/${name}`, status: 200, length: size })),
      };
    },
  };
}

/**
 * Uploads of `size` bytes. Large ones replace a few keys (`x-upsert`) so the disk holds a bounded amount;
 * the baseline overwrites the same number of files.
 */
function upload(id: string, title: string, size: number, connections: number, slots?: number): Scenario {
  const length = (env: BenchEnv, request: ScenarioSide['request']) =>
    size >= 100 * MIB ? counted(connections, connections, request) : timed(env, connections, request);
  return {
    id,
    title,
    bytes: size,
    target: size === KIB ? 0.35 : 0.7,
    heavy: size >= 100 * MIB,
    async setup(env) {
      const stowageKey = keys(`up-${id}/`, slots);
      const baselineKey = keys(`up-${id}/`, slots);
      const headers = { ...bearer(env.stowage.userToken), ...(slots && { 'x-upsert': 'true' }) };
      return {
        stowage: length(env, () => uploadRequest(`/object/${PRIVATE_BUCKET}/${stowageKey()}`, headers, size)),
        baseline: length(env, () => uploadRequest(`/${baselineKey()}`, {}, size)),
      };
    },
  };
}

/** The bench user's download of its 1 KiB object, through its policies. */
async function privateDownload(env: BenchEnv): Promise<ScenarioSide['request']> {
  const headers = bearer(env.stowage.userToken);
  return () => ({
    method: 'GET',
    path: `/object/${PRIVATE_BUCKET}/${ONE_KIB}`,
    headers,
    status: 200,
    length: KIB,
  });
}

/** The first page of 100 of the bench user's 1,000 objects under one prefix. */
async function listing(env: BenchEnv): Promise<ScenarioSide['request']> {
  const names = Array.from({ length: LISTED }, (_, i) => `listed/${String(i).padStart(4, '0')}.bin`);
  await env.uploadMany(PRIVATE_BUCKET, names, 16);
  const json = { prefix: 'listed/', limit: 100, offset: 0 };
  const first = await env.call('POST', `/object/list/${PRIVATE_BUCKET}`, {
    token: env.stowage.userToken,
    json,
  });
  if (!Array.isArray(first) || first.length !== 100)
    throw new Error('setup: the listing did not give 100 entries');
  const headers = { ...bearer(env.stowage.userToken), 'content-type': 'application/json' };
  const body = JSON.stringify(json);
  return () => ({ method: 'POST', path: `/object/list/${PRIVATE_BUCKET}`, headers, body, status: 200 });
}

/**
 * `id` again, after a million rows are added to the same bucket (beside the objects it reads, under
 * another prefix): its ratio must stay within 10% of the run with a thousand.
 */
function withAMillion(
  id: string,
  title: string,
  request: (env: BenchEnv) => Promise<ScenarioSide['request']>,
): Scenario {
  return {
    ...oneKibRead(
      `${id}-million`,
      `${title}, with 1,000,000 more objects in the bucket`,
      undefined,
      async (env) => {
        await env.seedRows(PRIVATE_BUCKET, 'million/', MILLION);
        return request(env);
      },
    ),
    repeats: id,
    heavy: true,
    postgresOnly: true,
  };
}

/** Every scenario of issue 11, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [
  oneKibRead('download-1k', 'download 1 KiB, private bucket, RLS', 0.35, privateDownload),
  oneKibRead('public-download-1k', 'download 1 KiB, public bucket', undefined, async (env) => {
    await env.fixture(PUBLIC_BUCKET, ONE_KIB, KIB);
    return () => ({
      method: 'GET',
      path: `/object/public/${PUBLIC_BUCKET}/${ONE_KIB}`,
      status: 200,
      length: KIB,
    });
  }),
  oneKibRead('signed-download-1k', 'download 1 KiB, signed URL', undefined, async (env) => {
    await env.fixture(PRIVATE_BUCKET, ONE_KIB, KIB);
    const { signedURL } = (await env.call('POST', `/object/sign/${PRIVATE_BUCKET}/${ONE_KIB}`, {
      token: env.stowage.userToken,
      json: { expiresIn: 86_400 },
    })) as { signedURL: string };
    return () => ({ method: 'GET', path: signedURL, status: 200, length: KIB });
  }),
  oneKibRead('info', 'info of 1 KiB object (vs baseline 1 KiB download)', 0.4, async (env) => {
    await env.fixture(PRIVATE_BUCKET, ONE_KIB, KIB);
    const headers = bearer(env.stowage.userToken);
    return () => ({ method: 'GET', path: `/object/info/${PRIVATE_BUCKET}/${ONE_KIB}`, headers, status: 200 });
  }),
  oneKibRead('sign', 'sign a URL (vs baseline 1 KiB download)', 0.55, async (env) => {
    await env.fixture(PRIVATE_BUCKET, ONE_KIB, KIB);
    const headers = { ...bearer(env.stowage.userToken), 'content-type': 'application/json' };
    const body = JSON.stringify({ expiresIn: 3600 });
    return () => ({
      method: 'POST',
      path: `/object/sign/${PRIVATE_BUCKET}/${ONE_KIB}`,
      headers,
      body,
      status: 200,
    });
  }),
  oneKibRead('list', `list 100 of ${LISTED} under a prefix (vs baseline 1 KiB download)`, 0.18, listing),
  {
    id: 'delete',
    title: 'delete one object (vs baseline 1 KiB download)',
    bytes: 0,
    target: 0.4,
    async setup(env) {
      const count = env.timing.deletesPerRun;
      const names = Array.from({ length: count * (env.timing.runs + 1) }, (_, i) => `deleted/${i}.bin`);
      await env.uploadMany(PRIVATE_BUCKET, names, 16);
      let next = 0;
      const headers = bearer(env.stowage.userToken);
      return {
        stowage: counted(CONNECTIONS, count, () => ({
          method: 'DELETE',
          path: `/object/${PRIVATE_BUCKET}/${names[next++]}`,
          headers,
          status: 200,
        })),
        baseline: await baselineOneKib(env),
      };
    },
  },
  upload('upload-1k', 'upload 1 KiB, a new key each, RLS', KIB, CONNECTIONS),
  {
    id: 'upsert-1k',
    title: 'upsert 1 KiB, one key, RLS (vs baseline overwrite)',
    bytes: 0,
    async setup(env) {
      const headers = { ...bearer(env.stowage.userToken), 'x-upsert': 'true' };
      return {
        stowage: timed(env, CONNECTIONS, () =>
          uploadRequest(`/object/${PRIVATE_BUCKET}/bench/upserted.bin`, headers, KIB),
        ),
        baseline: timed(env, CONNECTIONS, () => uploadRequest('/bench/upserted.bin', {}, KIB)),
      };
    },
  },
  download('download-1m', 'download 1 MiB', 'bench/one-mib.bin', MIB, CONNECTIONS),
  upload('upload-1m', 'upload 1 MiB (upsert over 64 keys)', MIB, CONNECTIONS, 64),
  withAMillion('download-1k', 'download 1 KiB, private bucket, RLS', privateDownload),
  withAMillion('list', `list 100 of ${LISTED} under a prefix`, listing),
  download('download-4x100m', 'download 4 × 100 MiB at once', 'bench/hundred-mib.bin', 100 * MIB, 4),
  upload('upload-4x100m', 'upload 4 × 100 MiB at once (upsert)', 100 * MIB, 4, 4),
  download('download-1g', 'download 1 GiB', 'bench/one-gib.bin', GIB, 1),
  upload('upload-1g', 'upload 1 GiB (upsert)', GIB, 1, 1),
];
