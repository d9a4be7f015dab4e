import type { CachedToken } from '@plug-session/core';
import { Cluster, Redis } from 'ioredis';
import { Cluster as Cluster6 } from 'ioredis6';
import { createCluster as createCluster4 } from 'redis4';
import { createCluster as createCluster5 } from 'redis5';
import { createCluster as createCluster6 } from 'redis6';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisStoreOptions, redisStore } from '../src/index.js';
import { type RedisServer, startRedisServer } from './support/redis-server.mjs';

// A one-node Redis Cluster owning every slot: enough to check that each client routes the
// store's commands (EVAL included) by their key, as it would across several nodes.
let server: RedisServer;

beforeAll(async () => {
  // Announce the loopback address: a lone node otherwise names itself '' in CLUSTER SLOTS.
  server = await startRedisServer([
    '--cluster-enabled',
    'yes',
    '--cluster-announce-ip',
    '127.0.0.1',
  ]);
  const admin = new Redis(server.port, '127.0.0.1');
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  await vi.waitFor(
    async () => expect(await admin.call('CLUSTER', 'INFO')).toMatch(/cluster_state:ok/),
    { timeout: 10_000, interval: 50 },
  );
  admin.disconnect();
});
afterAll(() => server?.close());

const quiet = () => undefined;

interface ClusterKind {
  name: string;
  connect(port: number): Promise<{ options: RedisStoreOptions; close(): Promise<unknown> }>;
}

const clusters: ClusterKind[] = [
  {
    name: 'a node-redis v4 cluster',
    async connect(port) {
      const cluster = createCluster4({ rootNodes: [{ url: `redis://127.0.0.1:${port}` }] });
      cluster.on('error', quiet);
      await cluster.connect();
      return { options: { client: cluster }, close: () => cluster.disconnect() };
    },
  },
  {
    name: 'a node-redis v5 cluster',
    async connect(port) {
      const cluster = createCluster5({ rootNodes: [{ url: `redis://127.0.0.1:${port}` }] });
      cluster.on('error', quiet);
      await cluster.connect();
      return { options: { client: cluster }, close: () => cluster.close() };
    },
  },
  {
    name: 'a node-redis v6 cluster',
    async connect(port) {
      const cluster = createCluster6({ rootNodes: [{ url: `redis://127.0.0.1:${port}` }] });
      cluster.on('error', quiet);
      await cluster.connect();
      return { options: { client: cluster }, close: () => cluster.close() };
    },
  },
  {
    name: 'an ioredis v5 Cluster',
    async connect(port) {
      const cluster = new Cluster([{ host: '127.0.0.1', port }], { lazyConnect: true });
      cluster.on('error', quiet);
      await cluster.connect();
      return { options: { client: cluster }, close: async () => cluster.disconnect() };
    },
  },
  {
    name: 'an ioredis v6 Cluster',
    async connect(port) {
      const cluster = new Cluster6([{ host: '127.0.0.1', port }], { lazyConnect: true });
      cluster.on('error', quiet);
      await cluster.connect();
      return { options: { client: cluster }, close: async () => cluster.disconnect() };
    },
  },
];

describe.each(clusters)('redisStore with $name', (kind) => {
  it('stores, reads, locks and unlocks through the cluster', async () => {
    const a = await kind.connect(server.port);
    const b = await kind.connect(server.port);
    try {
      const [one, two] = [redisStore(a.options), redisStore(b.options)];
      const now = Date.now();
      const value: CachedToken = {
        token: 'eyJ.cluster',
        expiresAt: now + 3_600_000,
        usableUntil: now + 3_570_000,
        refreshAt: now + 2_880_000,
      };
      await one.set(`${kind.name}:k`, value, 60_000);
      expect(await two.get(`${kind.name}:k`)).toEqual(value);
      expect(await one.lock(`${kind.name}:k`, 1000)).toBe(true);
      expect(await two.lock(`${kind.name}:k`, 1000)).toBe(false);
      await two.unlock(`${kind.name}:k`);
      expect(await two.lock(`${kind.name}:k`, 1000)).toBe(false);
      await one.unlock(`${kind.name}:k`);
      expect(await two.lock(`${kind.name}:k`, 1000)).toBe(true);
      await one.delete(`${kind.name}:k`);
      expect(await two.get(`${kind.name}:k`)).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
