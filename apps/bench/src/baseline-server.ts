/**
 * The baseline: a minimal `node:http` file server over one directory. GET stats and streams a file, PUT or
 * POST streams the body to a temporary file renamed into place. No auth, no database, no framework: what
 * Node itself costs. Usage: node --import tsx baseline-server.ts <root>; prints `listening <port>`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const root = path.resolve(process.argv[2] ?? '.');
let uploads = 0;

function fileOf(req: IncomingMessage): string | undefined {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://baseline').pathname);
  const file = path.join(root, pathname);
  return file.startsWith(`${root}${path.sep}`) ? file : undefined;
}

async function download(file: string, res: ServerResponse): Promise<void> {
  const stats = await stat(file);
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': stats.size,
    'last-modified': stats.mtime.toUTCString(),
  });
  await pipeline(createReadStream(file), res);
}

async function upload(file: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${uploads++}.part`;
  await pipeline(req, createWriteStream(temporary));
  await rename(temporary, file);
  const body = JSON.stringify({ Key: path.relative(root, file) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  const file = fileOf(req);
  const work = !file
    ? Promise.reject(Object.assign(new Error('bad path'), { code: 'EINVAL' }))
    : req.method === 'GET'
      ? download(file, res)
      : req.method === 'PUT' || req.method === 'POST'
        ? upload(file, req, res)
        : Promise.reject(Object.assign(new Error('method'), { code: 'EINVAL' }));
  work.catch((error: NodeJS.ErrnoException) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(error.code === 'ENOENT' ? 404 : 400).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
