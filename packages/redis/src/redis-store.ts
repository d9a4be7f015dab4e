import { randomUUID } from 'node:crypto';
import type { CachedToken, TokenStore } from '@plug-session/core';
import { decodeToken, encodeToken, replyText } from './codec.js';
import { type RedisClientLike, type SendCommand, sendCommandOf } from './send-command.js';

/** Options of {@link redisStore}: give `client` or `sendCommand`, not both. */
export interface RedisStoreOptions {
  /**
   * A connected node-redis (v4, v5) client or cluster, or an ioredis `Redis` or `Cluster`.
   * Your connection settings (TLS, ACL user, sentinel, cluster) stay yours; the store never
   * connects, closes or reconfigures it.
   */
  client?: RedisClientLike;
  /**
   * Instead of `client`: a function that sends one command, as with rate-limit-redis (but
   * taking the array). The second argument is the key, for routing in a cluster.
   */
  sendCommand?: (args: string[], key: string) => Promise<unknown>;
  /**
   * Put before every key, so that plug-session's entries are easy to find and never collide
   * with your app's. Locks are under `prefix + 'lock:'`.
   * @default 'plug-session:'
   */
  prefix?: string;
  /**
   * The longest a minting lock is held, in milliseconds. The engine asks for a lock as long
   * as its `timeoutMs`; this caps it, so that an instance that dies while minting keeps the
   * others waiting at most this long.
   * @default 2000
   */
  lockMs?: number;
}

/** The {@link TokenStore} that {@link redisStore} returns; every method returns a promise. */
export interface RedisTokenStore extends TokenStore {
  get(key: string): Promise<CachedToken | undefined>;
  set(key: string, value: CachedToken, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  lock(key: string, ttlMs: number): Promise<boolean>;
  unlock(key: string): Promise<void>;
}

// Deletes the lock only if it still holds our id: after it expired and another instance
// took it, a plain DEL would release theirs. One script, so the check and DEL are atomic.
const UNLOCK =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * A {@link TokenStore} on Redis, so that every instance of an app shares one cache of PLuG
 * session tokens and one instance mints a token while the others wait for it.
 *
 * Keys are `prefix` + the engine's key (a SHA-256 hash, no personal data); values are JSON of
 * the token and its times, never the AAT; entries expire with their tokens (`PX`). A corrupt
 * value is a miss. A Redis error rejects the call; plug-session then carries on with its
 * in-memory cache and tells `onError` (`STORE_FAILED`) once per outage. The store does not
 * close your client: do that yourself when the app shuts down.
 *
 * @example
 * import { createClient } from 'redis';
 * import { redisStore } from '@plug-session/redis';
 *
 * const client = createClient({ url: process.env.REDIS_URL });
 * client.on('error', (error) => console.warn('redis', error));
 * await client.connect();
 * app.use(plugSession({ appAccessToken, resolveUser, cache: { store: redisStore({ client }) } }));
 */
export function redisStore(options: RedisStoreOptions): RedisTokenStore {
  const send = checkedSend(options);
  const prefix = options.prefix ?? 'plug-session:';
  if (typeof prefix !== 'string') {
    throw new TypeError(`redisStore: prefix must be a string; got ${typeof prefix}`);
  }
  const lockMs = options.lockMs ?? 2000;
  if (!Number.isFinite(lockMs) || lockMs < 1) {
    throw new TypeError(`redisStore: lockMs must be a positive number of ms; got ${lockMs}`);
  }
  // What a lock taken by this store holds, so that unlock releases only this store's locks.
  const owner = randomUUID();

  return {
    async get(key) {
      const k = prefix + key;
      return decodeToken(await send(['GET', k], k));
    },
    async set(key, value, ttlMs) {
      const px = Math.ceil(ttlMs);
      // Entries always expire: a value that is already worthless is not written.
      if (!Number.isFinite(px) || px < 1) return;
      const k = prefix + key;
      await send(['SET', k, encodeToken(value), 'PX', String(px)], k);
    },
    async delete(key) {
      const k = prefix + key;
      await send(['DEL', k], k);
    },
    async lock(key, ttlMs) {
      const k = `${prefix}lock:${key}`;
      const px = Math.ceil(ttlMs > 0 ? Math.min(ttlMs, lockMs) : lockMs);
      return replyText(await send(['SET', k, owner, 'NX', 'PX', String(px)], k)) === 'OK';
    },
    async unlock(key) {
      const k = `${prefix}lock:${key}`;
      await send(['EVAL', UNLOCK, '1', k, owner], k);
    },
  };
}

function checkedSend(options: RedisStoreOptions): SendCommand {
  const { client, sendCommand } = options ?? {};
  if (client !== undefined && sendCommand !== undefined) {
    throw new TypeError('redisStore: give either client or sendCommand, not both');
  }
  if (sendCommand !== undefined) {
    if (typeof sendCommand !== 'function') {
      throw new TypeError('redisStore: sendCommand must be a function (args, key) => Promise');
    }
    return sendCommand;
  }
  if (client === undefined) {
    throw new TypeError(
      'redisStore: pass client (a connected node-redis or ioredis client) or sendCommand',
    );
  }
  const send = sendCommandOf(client);
  if (!send) {
    throw new TypeError(
      'redisStore: client is neither node-redis (sendCommand) nor ioredis (call); pass sendCommand instead',
    );
  }
  return send;
}
