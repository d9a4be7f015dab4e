import type { PlugSessionError } from '../errors.js';

/** Where the default reporter writes: `console.warn` unless an adapter has a logger. */
export type WarnSink<Req> = (message: string, error: PlugSessionError, req: Req) => void;

// Distinct causes are few in practice; the bound only guards against unbounded growth
// when messages vary (e.g. many different invalid rev_infos).
const MAX_REMEMBERED = 500;

/**
 * The `onError` used when the user gives none: one warning per code and cause, not one
 * per request, so a DevRev outage doesn't flood the logs. Messages never hold the AAT
 * (errors are redacted where they are made).
 */
export function createDefaultReporter<Req>(
  sink: WarnSink<Req> = (message) => console.warn(message),
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
