/**
 * Sends one Redis command and resolves with its raw reply. `args` are the command and its
 * arguments (`['SET', key, value, 'PX', '60000']`); `key` is the one key the command touches,
 * for clients that must route by key (a cluster). Rejects when Redis cannot be reached.
 *
 * @example
 * // ioredis
 * const sendCommand: SendCommand = ([command, ...args]) => redis.call(command!, ...args);
 * // node-redis
 * const sendCommand: SendCommand = (args) => client.sendCommand(args);
 * // a node-redis cluster
 * const sendCommand: SendCommand = (args, key) => cluster.sendCommand(key, false, args);
 */
export type SendCommand = (args: string[], key: string) => Promise<unknown>;

/** A node-redis (v4 or v5) client from `createClient()`, connected. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
  /** `false` while the client is reconnecting: commands then fail at once instead of queueing. */
  readonly isReady?: boolean;
}

/** A node-redis (v4 or v5) cluster from `createCluster()`, connected. */
export interface NodeRedisClusterLike {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  readonly masters: unknown;
}

/** An ioredis `Redis` or `Cluster`. */
export interface IoRedisLike {
  call(command: string, ...args: string[]): Promise<unknown>;
  /** `'reconnecting'`, `'close'` or `'end'`: commands fail at once instead of queueing. */
  readonly status?: string;
}

/** Any client {@link redisStore} accepts, recognised by its shape (no import of either library). */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IoRedisLike;

// ioredis statuses in which a command would wait in the offline queue for a Redis that is
// gone. 'wait' (lazyConnect) and the first 'connecting' are left alone: a command connects.
const IOREDIS_DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * The {@link SendCommand} of a client, recognised structurally: ioredis has `call(cmd, ...args)`,
 * node-redis has `sendCommand(args)`, and its cluster `sendCommand(key, readonly, args)` and
 * `masters`. Returns `undefined` for anything else.
 *
 * While the client knows Redis is down, commands reject at once rather than wait in the
 * client's offline queue: pages do not wait, the queue does not grow through a long outage,
 * and no stale lock is taken when Redis comes back.
 */
export function sendCommandOf(client: unknown): SendCommand | undefined {
  if (typeof client !== 'object' || client === null) return undefined;
  const c = client as Partial<Record<'call' | 'sendCommand', unknown>>;
  if (typeof c.call === 'function') {
    const io = client as IoRedisLike;
    return async ([command = '', ...args]) => {
      if (io.status !== undefined && IOREDIS_DOWN.has(io.status)) throw notConnected(io.status);
      return io.call(command, ...args);
    };
  }
  if (typeof c.sendCommand !== 'function') return undefined;
  if ('masters' in client) {
    const cluster = client as NodeRedisClusterLike;
    // Never from a replica: a token another instance has just stored must be seen.
    return async (args, key) => cluster.sendCommand(key, false, args);
  }
  const node = client as NodeRedisClientLike;
  return async (args) => {
    if (node.isReady === false) throw notConnected('reconnecting');
    return node.sendCommand(args);
  };
}

function notConnected(status: string): Error {
  return new Error(`Redis is not connected (the client is ${status})`);
}
