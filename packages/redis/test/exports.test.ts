import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { typecheckConsumer } from '@plug-session/conformance';
import { describe, expect, test } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const _workspace = join(here, '..', '..');
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);

// dist is built, when stale, once for the whole run by vitest.global-setup.ts.

describe('the built package', () => {
  test('require() of dist/index.cjs exposes redisStore and nothing else', () => {
    const cjs = require(join(dist, 'index.cjs')) as Record<string, unknown>;
    expect(Object.keys(cjs).sort()).toEqual(['redisStore']);
    expect(typeof cjs.redisStore).toBe('function');
  });

  test('import() of dist/index.js exposes redisStore and nothing else', async () => {
    const esm = (await import(pathToFileURL(join(dist, 'index.js')).href)) as Record<
      string,
      unknown
    >;
    expect(Object.keys(esm).sort()).toEqual(['redisStore']);
  });

  test('needs neither redis nor ioredis at run time', () => {
    for (const file of ['index.js', 'index.cjs']) {
      const text = readFileSync(join(dist, file), 'utf8');
      expect(text).not.toMatch(/require\(["'](?:redis|ioredis)|from ["'](?:redis|ioredis)/);
    }
  });

  test('type-checks for a TypeScript consumer with node-redis v4–v6, ioredis v5–v6 and sendCommand', () => {
    const consumer = [
      "import type { TokenStore } from '@plug-session/core';",
      "import { redisStore, type RedisStoreOptions } from '@plug-session/redis';",
      "import { createClient as createClient4, createCluster as createCluster4 } from 'redis4';",
      "import { createClient as createClient5, createCluster as createCluster5 } from 'redis5';",
      "import { createClient as createClient6, createCluster as createCluster6 } from 'redis6';",
      "import { Cluster, Redis } from 'ioredis';",
      "import { Cluster as Cluster6, Redis as Redis6 } from 'ioredis6';",
      'export const stores: TokenStore[] = [',
      '  redisStore({ client: createClient4() }),',
      '  redisStore({ client: createClient5(), prefix: "app:", lockMs: 1000 }),',
      '  redisStore({ client: createClient6() }),',
      '  redisStore({ client: createCluster4({ rootNodes: [] }) }),',
      '  redisStore({ client: createCluster5({ rootNodes: [] }) }),',
      '  redisStore({ client: createCluster6({ rootNodes: [] }) }),',
      '  redisStore({ client: new Redis({ lazyConnect: true }) }),',
      '  redisStore({ client: new Cluster([], { lazyConnect: true }) }),',
      '  redisStore({ client: new Redis6({ lazyConnect: true }) }),',
      '  redisStore({ client: new Cluster6([], { lazyConnect: true }) }),',
      '  redisStore({ sendCommand: async (args: string[]) => args.length }),',
      '];',
      '// @ts-expect-error a URL is not a client',
      "export const wrong: RedisStoreOptions = { client: 'redis://localhost' };",
      '',
    ].join('\n');
    expect(typecheckConsumer(here, consumer)).toBe('');
  }, 60_000);
});
