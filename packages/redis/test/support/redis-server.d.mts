/** The message thrown when redis-server is missing: how to install it. */
export const MISSING_REDIS: string;

/** Throws {@link MISSING_REDIS} when redis-server cannot be run; else its version line. */
export function assertRedisServer(): string;

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number>;

/** Resolves once `PING` on 127.0.0.1:port answers `+PONG`. */
export function waitForPong(port: number, timeoutMs?: number): Promise<void>;

/** A throw-away redis-server on 127.0.0.1. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Kills it, as a crash would. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port, and waits for PONG. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** Starts redis-server on a free loopback port with no persistence and waits for PONG. */
export function startRedisServer(extraArgs?: string[]): Promise<RedisServer>;
