import { LRUCache } from 'lru-cache';
import type { CachedToken, TokenStore } from './token-store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * How many tokens to keep; the least recently used goes first.
   * @default 10000
   */
  max?: number;
}

/**
 * The default {@link TokenStore}: a bounded in-memory LRU with a TTL per entry.
 * Expired entries are dropped when read, never by a timer, so the store never keeps the
 * process alive (lru-cache's `ttlAutopurge` stays off), and reading one sets no timer either
 * (`ttlResolution: 0`: the clock is read on each get, instead of being kept for a millisecond
 * by a timer that a busy server would create and fire a thousand times a second).
 *
 * @example
 * const store = createMemoryStore({ max: 1000 });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): TokenStore {
  const max = options.max ?? 10_000;
  if (!Number.isInteger(max) || max < 1) {
    throw new TypeError(`cache.max must be a positive integer; got ${String(max)}`);
  }
  const cache = new LRUCache<string, CachedToken>({
    max,
    ttlAutopurge: false,
    ttlResolution: 0,
    allowStale: false,
  });
  return {
    get: (key) => cache.get(key),
    set: (key, value, ttlMs) => {
      // lru-cache treats a ttl of 0 as "forever"; a token with no time left is not kept.
      if (!(ttlMs > 0)) {
        cache.delete(key);
        return;
      }
      cache.set(key, value, { ttl: Math.ceil(ttlMs) });
    },
    delete: (key) => {
      cache.delete(key);
    },
    shutdown: () => cache.clear(),
  };
}
