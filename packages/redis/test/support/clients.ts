import { Redis } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { createClient as createClient4 } from 'redis4';
import { createClient as createClient5 } from 'redis5';
import { createClient as createClient6 } from 'redis6';
import type { RedisStoreOptions } from '../../src/index.js';

/** A connected client of one kind, as `redisStore` options, with its own way to close. */
export interface Connected {
  /** `{ client }` or `{ sendCommand }`. */
  options: Pick<RedisStoreOptions, 'client' | 'sendCommand'>;
  /** Whether the client is connected (again) and ready for commands. */
  ready(): boolean;
  close(): Promise<void>;
}

export interface ClientKind {
  name: string;
  connect(url: string): Promise<Connected>;
}

// node-redis throws an 'error' event nobody listens to: a stopped Redis would crash the test.
const quiet = () => undefined;

async function nodeRedis4(url: string) {
  const client = createClient4({ url });
  client.on('error', quiet);
  await client.connect();
  return client;
}

async function nodeRedis5(url: string) {
  const client = createClient5({ url });
  client.on('error', quiet);
  await client.connect();
  return client;
}

async function nodeRedis6(url: string) {
  const client = createClient6({ url });
  client.on('error', quiet);
  await client.connect();
  return client;
}

async function ioredis(url: string) {
  const client = new Redis(url, { lazyConnect: true });
  client.on('error', quiet);
  await client.connect();
  return client;
}

export const nodeRedis4Kind: ClientKind = {
  name: 'node-redis v4',
  async connect(url) {
    const client = await nodeRedis4(url);
    return { options: { client }, ready: () => client.isReady, close: () => client.disconnect() };
  },
};

export const nodeRedis5Kind: ClientKind = {
  name: 'node-redis v5',
  async connect(url) {
    const client = await nodeRedis5(url);
    return { options: { client }, ready: () => client.isReady, close: () => client.close() };
  },
};

export const nodeRedis6Kind: ClientKind = {
  name: 'node-redis v6',
  async connect(url) {
    const client = await nodeRedis6(url);
    return { options: { client }, ready: () => client.isReady, close: () => client.close() };
  },
};

export const ioredisKind: ClientKind = {
  name: 'ioredis v5',
  async connect(url) {
    const client = await ioredis(url);
    return {
      options: { client },
      ready: () => client.status === 'ready',
      close: async () => client.disconnect(),
    };
  },
};

export const ioredis6Kind: ClientKind = {
  name: 'ioredis v6',
  async connect(url) {
    const client = new Redis6(url, { lazyConnect: true });
    client.on('error', quiet);
    await client.connect();
    return {
      options: { client },
      ready: () => client.status === 'ready',
      close: async () => client.disconnect(),
    };
  },
};

export const sendCommandKind: ClientKind = {
  name: 'a sendCommand function (over node-redis v5)',
  async connect(url) {
    const client = await nodeRedis5(url);
    return {
      options: { sendCommand: (args) => client.sendCommand(args) },
      ready: () => client.isReady,
      close: () => client.close(),
    };
  },
};

export const kinds = [
  nodeRedis4Kind,
  nodeRedis5Kind,
  nodeRedis6Kind,
  ioredisKind,
  ioredis6Kind,
  sendCommandKind,
];

/** A plain ioredis client for looking at what the store wrote. */
export async function inspector(url: string): Promise<Redis> {
  return ioredis(url);
}
