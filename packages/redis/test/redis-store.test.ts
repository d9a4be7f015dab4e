import type { CachedToken } from '@plug-session/core';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RedisTokenStore, redisStore } from '../src/index.js';
import { type Connected, inspector, kinds } from './support/clients.js';
import { type RedisServer, startRedisServer } from './support/redis-server.mjs';

let server: RedisServer;
let raw: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  raw = await inspector(server.url);
});
afterAll(async () => {
  raw?.disconnect();
  await server?.close();
});
beforeEach(() => raw.flushall());

const hour = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function token(name = 'eyJ.session.token'): CachedToken {
  const now = Date.now();
  return { token: name, expiresAt: now + hour, usableUntil: now + hour - 30_000, refreshAt: now };
}

describe.each(kinds)('redisStore with $name', (kind) => {
  let connected: Connected[] = [];
  const connect = async () => {
    const c = await kind.connect(server.url);
    connected.push(c);
    return c;
  };
  const store = async (options: { prefix?: string; lockMs?: number } = {}) =>
    redisStore({ ...(await connect()).options, ...options });
  afterEach(async () => {
    await Promise.all(connected.map((c) => c.close()));
    connected = [];
  });

  it('gives back what was set, and undefined for a key never set', async () => {
    const s = await store();
    const value = token();
    await s.set('k1', value, 60_000);
    expect(await s.get('k1')).toEqual(value);
    expect(await s.get('k2')).toBeUndefined();
  });

  it('stores JSON of the token and its times only, under the prefix, expiring with PX', async () => {
    const s = await store();
    const value = { ...token(), appAccessToken: 'aat-SECRET', revInfo: { email: 'a@b.c' } };
    await s.set('abc123', value, 60_000);
    const stored = JSON.parse((await raw.get('plug-session:abc123')) ?? 'null');
    expect(Object.keys(stored).sort()).toEqual(['expiresAt', 'refreshAt', 'token', 'usableUntil']);
    const pttl = await raw.pttl('plug-session:abc123');
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect(await raw.keys('*')).toEqual(['plug-session:abc123']);
  });

  it('uses another prefix when told', async () => {
    const s = await store({ prefix: 'app1:' });
    await s.set('k', token(), 60_000);
    await s.lock('k', 1000);
    expect((await raw.keys('*')).sort()).toEqual(['app1:k', 'app1:lock:k']);
  });

  it('lets an entry expire with its short TTL', async () => {
    const s = await store();
    await s.set('short', token(), 40);
    expect(await raw.pttl('plug-session:short')).toBeLessThanOrEqual(40);
    await sleep(120);
    expect(await s.get('short')).toBeUndefined();
    expect(await raw.exists('plug-session:short')).toBe(0);
  });

  it('writes nothing for a TTL that has already run out', async () => {
    const s = await store();
    await s.set('gone', token(), 0);
    await s.set('gone2', token(), -5);
    expect(await raw.keys('*')).toEqual([]);
  });

  it('deletes an entry', async () => {
    const s = await store();
    await s.set('k', token(), 60_000);
    await s.delete('k');
    expect(await s.get('k')).toBeUndefined();
    await expect(s.delete('never-set')).resolves.toBeUndefined();
  });

  it('takes a corrupt value for a miss', async () => {
    const s = await store();
    const t = Date.now() + hour;
    const corrupt = [
      'not json',
      '{"token":',
      'null',
      '42',
      '"eyJ"',
      JSON.stringify({ token: 42, expiresAt: t, usableUntil: t, refreshAt: t }),
      JSON.stringify({ token: '', expiresAt: t, usableUntil: t, refreshAt: t }),
      JSON.stringify({ token: 'eyJ', expiresAt: String(t), usableUntil: t, refreshAt: t }),
      JSON.stringify({ token: 'eyJ', expiresAt: t, usableUntil: t }),
    ];
    for (const [i, value] of corrupt.entries()) await raw.set(`plug-session:c${i}`, value);
    await raw.hset('plug-session:wrong-type', 'token', 'eyJ');
    for (const i of corrupt.keys()) expect(await s.get(`c${i}`)).toBeUndefined();
    await expect(s.get('wrong-type')).rejects.toThrow(/WRONGTYPE/);
  });

  it('gives the lock to one store at a time, with an expiry of at most lockMs', async () => {
    const [a, b] = [await store(), await store()];
    expect(await a.lock('k', 10_000)).toBe(true);
    expect(await b.lock('k', 10_000)).toBe(false);
    expect(await a.lock('k', 10_000)).toBe(false);
    const pttl = await raw.pttl('plug-session:lock:k');
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(2000);
    expect(await b.lock('other', 10_000)).toBe(true);
  });

  it('holds a lock as long as the engine asks, when that is shorter than lockMs', async () => {
    const s = await store({ lockMs: 5000 });
    await s.lock('k', 300);
    expect(await raw.pttl('plug-session:lock:k')).toBeLessThanOrEqual(300);
  });

  it('does not release a lock it does not own', async () => {
    const [owner, other, third] = [await store(), await store(), await store()];
    expect(await owner.lock('k', 1000)).toBe(true);
    await other.unlock('k');
    expect(await raw.exists('plug-session:lock:k')).toBe(1);
    expect(await third.lock('k', 1000)).toBe(false);
    await owner.unlock('k');
    expect(await raw.exists('plug-session:lock:k')).toBe(0);
    expect(await third.lock('k', 1000)).toBe(true);
  });

  it('lets another store lock once the holder’s lock has expired (the holder died)', async () => {
    const [dead, next] = [await store({ lockMs: 50 }), await store()];
    expect(await dead.lock('k', 1000)).toBe(true);
    await sleep(150);
    expect(await next.lock('k', 1000)).toBe(true);
    // The dead holder coming back to unlock must not release the new holder's lock.
    await dead.unlock('k');
    expect(await raw.exists('plug-session:lock:k')).toBe(1);
  });
});

describe('redisStore with a closed client', () => {
  it('rejects, so that plug-session falls back to memory', async () => {
    const kind = kinds[0]!;
    const c = await kind.connect(server.url);
    const s: RedisTokenStore = redisStore(c.options);
    await c.close();
    await expect(s.get('k')).rejects.toThrow();
    await expect(s.lock('k', 1000)).rejects.toThrow();
  });
});
