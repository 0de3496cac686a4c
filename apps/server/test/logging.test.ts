import { Writable } from 'node:stream';
import { createLogger, requestLogger } from '../src/logging';

/** A logger writing its lines into an array, parsed. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('the server logger', () => {
  it('redacts credentials at the top of a line and two levels down', async () => {
    const { logger, lines } = capturedLogger();
    logger.info(
      {
        authorization: 'Bearer a',
        headers: { apikey: 'b', 'x-amz-signature': 'c' },
        req: { query: { token: 'd' } },
      },
      'line',
    );
    await flushed();
    expect(lines[0]).toMatchObject({
      authorization: '[Redacted]',
      headers: { apikey: '[Redacted]', 'x-amz-signature': '[Redacted]' },
      req: { query: { token: '[Redacted]' } },
    });
  });

  it('redacts the line of a failed request, which carries its error', async () => {
    const { logger, lines } = capturedLogger();
    requestLogger(logger).error(
      { status: 500, err: { message: 'failed', token: 'secret' } },
      'request failed',
    );
    await flushed();
    expect(lines[0]).toMatchObject({ status: 500, err: { message: 'failed', token: '[Redacted]' } });
  });

  it("writes a request's own line as it is given, at the logger's level", async () => {
    const { logger, lines } = capturedLogger();
    const fields = { reqId: 'r1', method: 'GET', url: '/object/b/k?token=[Redacted]', status: 200 };
    requestLogger(logger).info(fields, 'request');
    await flushed();
    expect(lines[0]).toMatchObject({ ...fields, level: 30, msg: 'request' });
    logger.level = 'warn';
    requestLogger(logger).info(fields, 'request');
    await flushed();
    expect(lines).toHaveLength(1);
  });
});
