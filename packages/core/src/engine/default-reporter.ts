import type { PlugSessionError } from '../errors.js';

/** Where the default reporter writes: `console.warn` unless the request has a logger. */
export type WarnSink<Req> = (message: string, error: PlugSessionError, req: Req) => void;

/**
 * A logger with pino's `warn(object, message)` (bunyan's is the same): Fastify's
 * `request.log`, pino-http's `req.log`, koa-pino-logger's `ctx.log`.
 */
export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

// Distinct causes are few in practice; the bound only guards against unbounded growth
// when messages vary (e.g. many different invalid rev_infos).
const MAX_REMEMBERED = 500;

const toConsole = (message: string): void => console.warn(message);

/**
 * The `onError` used when the user gives none: one warning per code and cause, not one
 * per request, so a DevRev outage doesn't flood the logs. Messages never hold the AAT
 * (errors are redacted where they are made).
 */
export function createDefaultReporter<Req>(
  sink: WarnSink<Req> = toConsole,
): (error: PlugSessionError, req: Req) => void {
  const seen = new Set<string>();
  return (error, req) => {
    const key = `${error.code}\u0000${error.message}`;
    if (seen.has(key)) return;
    if (seen.size >= MAX_REMEMBERED) seen.clear();
    seen.add(key);
    sink(`[plug-session] ${error.code}: ${error.message}`, error, req);
  };
}

/**
 * A sink that writes through the request's own logger, as `warn({ err: error }, message)`,
 * when `loggerOf` finds one with a `warn` function; else, or when that logger throws, through
 * `console.warn`, so that the warning is never lost.
 */
export function loggerSink<Req>(loggerOf: (req: Req) => unknown): WarnSink<Req> {
  return (message, error, req) => {
    try {
      const logger = loggerOf(req);
      if (isWarnLogger(logger)) return logger.warn({ err: error }, message);
    } catch {
      // Fall through: an app's broken logger must not swallow the warning.
    }
    toConsole(message);
  };
}

function isWarnLogger(value: unknown): value is WarnLogger {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { warn?: unknown }).warn === 'function'
  );
}
