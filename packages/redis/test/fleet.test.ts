import { once } from 'node:events';
import { Agent, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import { plugSession } from '@plug-session/express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisStore } from '../src/index.js';
import {
  type ClientKind,
  type Connected,
  ioredisKind,
  nodeRedis4Kind,
  nodeRedis5Kind,
} from './support/clients.js';
import { type RedisServer, startRedisServer } from './support/redis-server.mjs';

// @types/express is not among this package's devDependencies: the little used is typed here.
interface ExpressApp {
  use(middleware: ReturnType<typeof plugSession>): void;
  get(path: string, route: (req: { plugSessionToken?: string }, res: Json) => void): void;
  listen(port: number, host: string): Server;
}
interface Json {
  json(body: unknown): void;
}
const express = createRequire(import.meta.url)('express') as () => ExpressApp;

// Three instances of one app behind a load balancer: separate Express apps, each with its own
// engine, in-memory state and Redis client (of a different kind), sharing one Redis and DevRev.

const AAT = 'aat-fleet-SECRET';
// A roomy budget makes the outage check sharp: a page held up by Redis until the budget ran
// out would take 10 s, while bounded store calls cost ~100 ms each. (It also keeps a CI box
// that is busy with other suites from turning slow answers into TIMEOUTs.)
const TIMEOUT_MS = 10_000;
const WELL_UNDER_TIMEOUT_MS = TIMEOUT_MS * 0.4;

interface Instance {
  url: string;
  errors: PlugSessionError[];
  client: Connected;
  server: Server;
}

interface Answer {
  user: string;
  instance: number;
  status: number;
  token: string | null;
  ms: number;
}

let redis: RedisServer;
let emu: Emulator;
let fleet: Instance[] = [];

async function startInstance(kind: ClientKind): Promise<Instance> {
  const client = await kind.connect(redis.url);
  const errors: PlugSessionError[] = [];
  const app = express();
  app.use(
    plugSession({
      appAccessToken: AAT,
      endpoint: emu.endpoint,
      timeoutMs: TIMEOUT_MS,
      resolveUser: (req) => {
        const user = req.get('x-user');
        return user ? { user_ref: user } : null;
      },
      cache: { store: redisStore(client.options) },
      onError: (error) => errors.push(error),
    }),
  );
  app.get('/', (req, res) => {
    res.json({ token: req.plugSessionToken ?? null });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, errors, client, server };
}

// Plain node:http rather than fetch: the load generator shares the CPU with the fleet.
const agent = new Agent({ keepAlive: true });

function get(url: string, user: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'x-user': user } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every user asks every instance at once; resolves with every answer. */
function wave(users: string[]): Promise<Answer[]> {
  return Promise.all(
    users.flatMap((user) =>
      fleet.map(async ({ url }, instance) => {
        const started = performance.now();
        const { status, body } = await get(url, user);
        const { token } = JSON.parse(body) as { token: string | null };
        return { user, instance, status, token, ms: performance.now() - started };
      }),
    ),
  );
}

const users = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);

function expectOneTokenPerUserAcrossTheFleet(answers: Answer[]) {
  const byUser = new Map<string, Set<string | null>>();
  for (const a of answers) {
    expect(a.status).toBe(200);
    expect(typeof a.token).toBe('string');
    const verified = emu.verifyToken(a.token ?? '');
    expect(verified.valid && verified.claims.sub).toBe(a.user);
    byUser.set(a.user, (byUser.get(a.user) ?? new Set()).add(a.token));
  }
  for (const [user, tokens] of byUser) expect(tokens.size, `tokens of ${user}`).toBe(1);
}

const storeFailures = (instance: Instance) =>
  instance.errors.filter((error) => error.code === 'STORE_FAILED').length;

/** What an instance was told, for a failing assertion's message. */
const told = (instance: Instance) => JSON.stringify(instance.errors.map((e) => e.message));

beforeAll(async () => {
  redis = await startRedisServer();
  emu = await startEmulator({ appAccessToken: AAT });
  // Long enough that the three instances' lookups of one user overlap.
  emu.setLatency(100);
  fleet = [];
  for (const kind of [nodeRedis4Kind, nodeRedis5Kind, ioredisKind]) {
    fleet.push(await startInstance(kind));
  }
});

afterAll(async () => {
  agent.destroy();
  for (const instance of fleet) {
    instance.server.closeAllConnections();
    instance.server.close();
    await instance.client.close().catch(() => undefined);
  }
  await emu?.close();
  await redis?.close();
});

describe('three instances sharing one Redis', () => {
  it('make one DevRev call per user between them when 100 users hit all three at once', async () => {
    const answers = await wave(users('first', 100));
    expect(answers).toHaveLength(300);
    expectOneTokenPerUserAcrossTheFleet(answers);
    expect(emu.callCount).toBe(100);
    for (const instance of fleet) expect(instance.errors, told(instance)).toEqual([]);
  });

  it('keep serving pages from memory while Redis is down, each telling onError once', async () => {
    await redis.stop();
    const before = emu.callCount;
    const outage = users('outage', 50);
    const first = await wave(outage);
    for (const a of first) {
      expect(a.status).toBe(200);
      expect(typeof a.token).toBe('string');
      // Each store call is bounded (~100 ms): a page never waits out timeoutMs on Redis.
      expect(a.ms).toBeLessThan(WELL_UNDER_TIMEOUT_MS);
    }
    // Without the shared cache, each instance mints for itself.
    expect(emu.callCount - before).toBe(150);

    // Asked again, each instance answers from its in-memory fallback: no new calls.
    const again = await wave(outage);
    for (const a of again) expect(a.ms).toBeLessThan(WELL_UNDER_TIMEOUT_MS);
    const tokenOf = (answers: Answer[], user: string, instance: number) =>
      answers.find((a) => a.user === user && a.instance === instance)?.token;
    for (const a of again) expect(a.token).toBe(tokenOf(first, a.user, a.instance));
    expect(emu.callCount - before).toBe(150);

    for (const instance of fleet) {
      expect(storeFailures(instance), told(instance)).toBe(1);
      expect(instance.errors, told(instance)).toHaveLength(1);
      expect(instance.errors[0]?.message).not.toContain(AAT);
    }
  });

  it('share again once Redis is back: a new user costs one call across the fleet', async () => {
    await redis.start();
    await vi.waitFor(() => expect(fleet.map((i) => i.client.ready())).toEqual([true, true, true]), {
      timeout: 15_000,
      interval: 50,
    });
    const before = emu.callCount;
    const answers = await wave(users('after', 100));
    expectOneTokenPerUserAcrossTheFleet(answers);
    expect(emu.callCount - before).toBe(100);
    // The outage was reported once; its end and the shared traffic since add nothing.
    for (const instance of fleet) expect(storeFailures(instance), told(instance)).toBe(1);
  });
});
