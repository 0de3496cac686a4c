import { type RequestLogger, SENSITIVE_NAMES } from '@stowage/http-express';
import pino, { type DestinationStream, type Logger } from 'pino';

// Credentials never reach the log, at the top of a line or inside the objects it carries.
const REDACT = SENSITIVE_NAMES.flatMap((name) => [`["${name}"]`, `*["${name}"]`, `*.*["${name}"]`]);

/** The server's logger, on standard output unless told otherwise. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return destination ? pino({ level, redact: REDACT }, destination) : pino({ level, redact: REDACT });
}

/**
 * What the request log writes with. A request's line is built field by field from values that hold no
 * credential (the URL's sensitive parameters are redacted already), so it skips pino's wildcard
 * redaction, which walks every field of every line: 3-4% of the CPU of a small request in the bench's
 * profiles. The line of a failed request carries its error, and is redacted.
 */
export function requestLogger(logger: Logger): RequestLogger {
  const unredacted = logger.child({}, { redact: [] });
  return {
    info: (fields, message) => unredacted.info(fields, message),
    error: (fields, message) => logger.error(fields, message),
  };
}
