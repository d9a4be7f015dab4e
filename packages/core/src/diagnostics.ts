import { channel } from 'node:diagnostics_channel';
import type { PlugSessionErrorCode } from './errors.js';

/**
 * Diagnostics published on `node:diagnostics_channel`, for metrics and tracing without a
 * logger dependency. Messages never carry a session token, the AAT or personal data.
 *
 * @example
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe('plug-session:upstream', (m) => console.log(m));
 */
export const CHANNELS = {
  upstream: 'plug-session:upstream',
  cache: 'plug-session:cache',
  breaker: 'plug-session:breaker',
} as const;

/** One attempt of a call to the token endpoint. */
export interface UpstreamMessage {
  /** 1 for the first attempt, 2 for the first retry… */
  attempt: number;
  durationMs: number;
  /** `success`, `retry` (another attempt follows) or `failure` (the final one). */
  outcome: 'success' | 'retry' | 'failure';
  /** The HTTP status, when DevRev answered. */
  status?: number;
  /** What went wrong, for `retry` and `failure`. */
  code?: PlugSessionErrorCode;
}

/** What the token cache did for one lookup (or one background refresh). */
export interface CacheMessage {
  /** `stale`: a background refresh failed; the still-valid token keeps being served. */
  event: 'hit' | 'miss' | 'refresh' | 'coalesced' | 'stale';
  code?: PlugSessionErrorCode;
}

/** A change of the circuit breaker in front of the token endpoint. */
export interface BreakerMessage {
  state: 'open' | 'half-open' | 'closed';
  /** While open: when the next probe may go through (epoch ms). */
  until?: number;
}

const upstream = channel(CHANNELS.upstream);
const cache = channel(CHANNELS.cache);
const breaker = channel(CHANNELS.breaker);

// `hasSubscribers` first, so that nothing is even allocated when nobody listens.
export function publishUpstream(message: () => UpstreamMessage): void {
  if (upstream.hasSubscribers) upstream.publish(message());
}

export function publishCache(message: CacheMessage): void {
  if (cache.hasSubscribers) cache.publish(message);
}

export function publishBreaker(message: BreakerMessage): void {
  if (breaker.hasSubscribers) breaker.publish(message);
}
