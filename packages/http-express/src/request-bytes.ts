import type { Socket } from 'node:net';
import type { Request, Response } from 'express';

const BYTES = 'requestBytes';

/** Socket counters at the end of the previous request on that connection. */
const marks = new WeakMap<Socket, { read: number; written: number }>();

/**
 * Bytes received (request line, headers and body) and sent (status line, headers and body) by one finished
 * request, from its connection's counters, so streamed bodies are counted without touching the streams.
 * HTTP/1.1 requests take turns on a connection, so the difference since the previous request is this one.
 */
export function requestBytes(req: Request, res: Response): { received: number; sent: number } {
  const known = res.locals[BYTES] as { received: number; sent: number } | undefined;
  if (known) return known;
  const socket = req.socket;
  const mark = marks.get(socket) ?? { read: 0, written: 0 };
  const now = { read: socket.bytesRead, written: socket.bytesWritten };
  marks.set(socket, now);
  const bytes = { received: now.read - mark.read, sent: now.written - mark.written };
  res.locals[BYTES] = bytes;
  return bytes;
}
