import type { EmulatorOptions } from './types.js';

/**
 * Five minutes: DevRev's session tokens last "usually minutes", so that an app and its tests
 * see tokens refreshed rather than one token that outlives the session.
 */
const DEFAULT_TOKEN_TTL_SECONDS = 300;

/** The options with defaults applied, after checking. */
export interface CheckedOptions {
  port: number;
  host: string;
  appAccessToken: string | undefined;
  tokenTtlSeconds: number;
  latencyMs: number;
}

/**
 * Applies defaults and rejects nonsense with a message naming the option, so a typo in a
 * test fails at start-up rather than as a puzzling answer later.
 */
export function checkOptions(options: EmulatorOptions): CheckedOptions {
  const {
    port = 0,
    host = '127.0.0.1',
    tokenTtlSeconds = DEFAULT_TOKEN_TTL_SECONDS,
    latencyMs = 0,
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, not ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') {
    throw new TypeError('host must be a non-empty string');
  }
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds <= 0) {
    throw new RangeError(
      `tokenTtlSeconds must be a positive integer, not ${String(tokenTtlSeconds)}`,
    );
  }
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new RangeError(`latencyMs must be a number >= 0, not ${String(latencyMs)}`);
  }
  const given: unknown = options.appAccessToken;
  // Trimmed as the library trims it (a newline from an env file); never echoed in errors.
  const appAccessToken = typeof given === 'string' ? given.trim() : undefined;
  if (given !== undefined && !appAccessToken) {
    throw new TypeError('appAccessToken must be a non-empty string when given');
  }
  return { port, host, appAccessToken, tokenTtlSeconds, latencyMs };
}
