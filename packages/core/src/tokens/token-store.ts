/** A session token as the cache keeps it. Times are epoch milliseconds. */
export interface CachedToken {
  /** The session token (a JWT) to hand to `plugSDK.init`. */
  token: string;
  /** The token's own expiry (its JWT `exp`, else `expires_in`, else a default). */
  expiresAt: number;
  /** After this the token is never handed out: the last 30 s or tenth of its life is kept back. */
  usableUntil: number;
  /** From this on, a request still gets this token but a refresh starts in the background. */
  refreshAt: number;
}

/**
 * Where tokens are cached. The default is a bounded in-memory LRU; a shared store (Redis)
 * lets several instances of an app mint one token per user between them.
 * Every method may return a promise. Keys are hashes, never personal data or the AAT.
 */
export interface TokenStore {
  get(key: string): CachedToken | undefined | Promise<CachedToken | undefined>;
  /** `ttlMs` is how long the entry is worth keeping: until the token's `usableUntil`. */
  set(key: string, value: CachedToken, ttlMs: number): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  /** Called once before first use. */
  init?(): void | Promise<void>;
  /** Called when the engine closes. */
  shutdown?(): void | Promise<void>;
  /**
   * Optional cross-instance coalescing: try to become the one instance that mints `key`
   * for the next `ttlMs`. `true`: mint and `set` it; `false`: another instance is minting,
   * so poll `get` briefly before minting anyway.
   */
  lock?(key: string, ttlMs: number): boolean | Promise<boolean>;
  /** Releases a lock taken with {@link TokenStore.lock}. */
  unlock?(key: string): void | Promise<void>;
}
