import type { PlugSessionErrorCode } from './errors.js';
import { nodeBuiltin } from './host.js';

/**
 * Diagnostics published on `node:diagnostics_channel`, for metrics and tracing without a
 * logger dependency, wherever the runtime has it (Node, Bun, Deno; not Workers without
 * nodejs_compat, where nothing is published). Messages never carry a session token, the AAT
 * or personal data.
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

/** The part of a `diagnostics_channel` Channel we use. */
interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

// Reached at run time rather than imported, so that the web build imports no `node:` module.
// Channels are the process's own (one per name), not state of ours.
const channels = nodeBuiltin<{ channel(name: string): Channel }>('node:diagnostics_channel');
const upstream = channels?.channel(CHANNELS.upstream);
const cache = channels?.channel(CHANNELS.cache);
const breaker = channels?.channel(CHANNELS.breaker);

// `hasSubscribers` first, so that nothing is even allocated when nobody listens.
export function publishUpstream(message: () => UpstreamMessage): void {
  if (upstream?.hasSubscribers) upstream.publish(message());
}

export function publishCache(message: CacheMessage): void {
  if (cache?.hasSubscribers) cache.publish(message);
}

export function publishBreaker(message: BreakerMessage): void {
  if (breaker?.hasSubscribers) breaker.publish(message);
}
