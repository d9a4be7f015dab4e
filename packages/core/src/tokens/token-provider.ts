import { publishCache } from '../diagnostics.js';
import type { PlugSessionError } from '../errors.js';
import type { CacheOptions } from '../options/option-types.js';
import type { RevInfo } from '../rev-info/rev-info-schema.js';
import { createTokenClient } from '../upstream/token-client.js';
import type { TransportFactory } from '../upstream/transport.js';
import { createUpstreamGate, type UpstreamGateOptions } from '../upstream/upstream-gate.js';
import { cacheKey, cacheScope, type Sha256Hex } from './cache-key.js';
import { type GuardedStore, guardStore } from './guarded-store.js';
import { createMemoryStore } from './memory-store.js';
import { createTokenCache, type WaitUntil } from './token-cache.js';
import type { CachedToken } from './token-store.js';

/** Options of {@link createTokenProvider}; the engine passes its validated options. */
export interface TokenProviderOptions {
  /** The full URL of the token endpoint. */
  endpoint: URL;
  /** The AAT, already trimmed; sent only as the `authorization` header. */
  appAccessToken: string;
  /** The whole budget of one {@link TokenProvider.getToken}, in milliseconds. */
  timeoutMs: number;
  /** `false`: no cache, every lookup mints; else an in-memory LRU of `max` or `store`. */
  cache: CacheOptions;
  /** The wall clock (epoch ms) that times tokens, for tests. @default Date.now */
  now?: () => number;
  /** The circuit breaker and pauses in front of DevRev (`now` is taken from above). */
  breaker?: Omit<UpstreamGateOptions, 'now'>;
  /** Told when a user's `cache.store` fails (`STORE_FAILED`); the lookup goes on. */
  onStoreError?: (error: PlugSessionError) => void;
  /** How long to wait for another instance minting the same token (`store.lock`). @default 1000 */
  lockWaitMs?: number;
  /** How requests reach the endpoint (the runtime's: undici on Node, `fetch` elsewhere). */
  transport: TransportFactory;
  /** The cache keys' hash (the runtime's; the same keys on every runtime). */
  sha256: Sha256Hex;
}

/** Session tokens for validated rev_infos: cached, coalesced, refreshed ahead, protected. */
export interface TokenProvider {
  /** The cache key of a validated rev_info (a hash: no personal data, no AAT). */
  keyOf(revInfo: RevInfo): string;
  /** A cached token for `key` that is ready as it is (in memory, not due for refresh), at once. */
  peek(key: string): CachedToken | undefined;
  /**
   * The error {@link TokenProvider.getToken} would fail with at once for `key`, without
   * starting it: the breaker is open or calls are paused, and the memory store holds no
   * usable token for `key`. `undefined` whenever a lookup could succeed (or with a shared
   * store, which only an asynchronous look can answer).
   */
  refusalFor(key: string): PlugSessionError | undefined;
  /**
   * The token for `revInfo` (whose cache key is `key`); rejects with a
   * {@link PlugSessionError}. Never takes much longer than `timeoutMs`. Every mint it starts,
   * joins or triggers in the background is handed to `waitUntil`, when given.
   */
  getToken(revInfo: RevInfo, key?: string, waitUntil?: WaitUntil): Promise<CachedToken>;
  /** Cancels calls in flight, closes the connection pool and shuts the store down. */
  close(): Promise<void>;
}

const STORE_CALL_MS = 100;

/**
 * The token facade of the engine: rev_info → cache key → cache (store, coalescing,
 * refresh-ahead) → upstream gate (breaker, pauses) → token client (HTTP, retries).
 *
 * @example
 * const { transport, sha256 } = nodeRuntime;
 * const provider = createTokenProvider({
 *   endpoint, appAccessToken, timeoutMs: 2000, cache: {}, transport, sha256,
 * });
 * const { token, expiresAt } = await provider.getToken({ user_ref: 'u1' });
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const { endpoint, appAccessToken, timeoutMs, cache, now = Date.now } = options;
  const { transport, sha256 } = options;
  const scope = cacheScope(endpoint, appAccessToken, sha256);
  const keyOf = (revInfo: RevInfo) => cacheKey(revInfo, scope, sha256);
  const client = createTokenClient({ endpoint, appAccessToken, timeoutMs, now, transport });
  const gate = createUpstreamGate({ ...options.breaker, now });
  const store = storeFor(cache, options, Math.max(1, Math.min(STORE_CALL_MS, timeoutMs / 4)));

  const tokens = createTokenCache({
    store,
    now,
    timeoutMs,
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
    async mint(revInfo, budgetMs) {
      const permit = gate.admit();
      try {
        const token = await client.mint(revInfo, undefined, budgetMs);
        gate.settle(permit);
        return token;
      } catch (error) {
        gate.settle(permit, error);
        throw error;
      }
    },
  });

  return {
    keyOf,
    peek: (key) => tokens.peek(key),
    refusalFor(key) {
      if (!store?.peek) return undefined;
      const held = store.peek(key);
      if (held && now() < held.usableUntil) return undefined;
      const refused = gate.refusal();
      // Counted as the lookup it stands for would have been.
      if (refused) publishCache({ event: 'miss' });
      return refused;
    },
    getToken: (revInfo, key = keyOf(revInfo), waitUntil) => tokens.get(key, revInfo, waitUntil),
    async close() {
      // The client cancels its calls in flight at once, then lets go of its pool.
      await Promise.allSettled([client.close(), store?.shutdown()]);
    },
  };
}

function storeFor(
  cache: CacheOptions,
  options: TokenProviderOptions,
  callTimeoutMs: number,
): GuardedStore | undefined {
  if (cache === false) return undefined;
  const memory = createMemoryStore(cache.max === undefined ? {} : { max: cache.max });
  const { onStoreError: onError, appAccessToken: secret } = options;
  return guardStore(cache.store ?? memory, {
    callTimeoutMs,
    secret,
    // lru-cache answers synchronously and never fails: hits need no guarding.
    ...(cache.store
      ? { fallback: memory }
      : { peek: (key: string) => memory.get(key) as CachedToken | undefined }),
    ...(onError ? { onError } : {}),
  });
}
