export { type RedisStoreOptions, type RedisTokenStore, redisStore } from './redis-store.js';
export type {
  IoRedisLike,
  NodeRedisClientLike,
  NodeRedisClusterLike,
  RedisClientLike,
  SendCommand,
} from './send-command.js';
