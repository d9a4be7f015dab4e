#!/usr/bin/env node
// How many DevRev calls does a fleet of three instances make per user, with and without the
// Redis store? Three engines (separate in-memory state, each with its own Redis client), one
// redis-server, one emulator answering after 100 ms, 100 users, two traffic patterns:
//   at once      every user asks all three instances at the same moment (then once more);
//   round-robin  every user's 1st page view lands on instance 1, the 2nd on 2, the 3rd on 3.
// Needs the builds: pnpm --filter @plug-session/core --filter @plug-session/emulator
// --filter @plug-session/redis build.
//
//   node packages/redis/bench/fleet.mjs [--users 100] [--json]
import { cpus, loadavg } from 'node:os';
import { createPlugSession } from '@plug-session/core';
import { startEmulator } from '@plug-session/emulator';
import { createClient } from 'redis5';
import { redisStore } from '../dist/index.js';
import { startRedisServer } from '../test/support/redis-server.mjs';

const args = process.argv.slice(2);
const USERS = Number(args[args.indexOf('--users') + 1]) || 100;
const INSTANCES = 3;
const AAT = 'bench-aat';

const redis = await startRedisServer();
const emu = await startEmulator({ appAccessToken: AAT, latencyMs: 100 });

/** Three engines, each with the store `storeFor` gives it (on its own client) or memory. */
async function startFleet(storeFor) {
  const clients = [];
  const errors = [];
  const engines = [];
  for (let i = 0; i < INSTANCES; i++) {
    const store = await storeFor(clients);
    engines.push(
      createPlugSession({
        appAccessToken: AAT,
        endpoint: emu.endpoint,
        resolveUser: (req) => ({ user_ref: req.user }),
        ...(store ? { cache: { store } } : {}),
        onError: (error) => errors.push(error.code),
      }),
    );
  }
  /** `visits` as [user, instance] pairs, all at once; the DevRev calls and lookup times. */
  const visit = async (visits) => {
    const started = emu.callCount;
    const times = [];
    await Promise.all(
      visits.map(async ([user, i]) => {
        const t = performance.now();
        const resolution = await engines[i].resolve({ user });
        times.push(performance.now() - t);
        if (resolution.kind !== 'identified') errors.push(resolution.error?.code ?? 'NO_TOKEN');
      }),
    );
    return { calls: emu.callCount - started, times };
  };
  const close = async () => {
    await Promise.all(engines.map((engine) => engine.close()));
    await Promise.all(clients.map((client) => client.close()));
  };
  return { visit, close, errors };
}

let run = 0;
/** Fresh users, so that nothing a previous fleet left in Redis counts. */
const freshUsers = () => {
  run += 1;
  return Array.from({ length: USERS }, (_, n) => `run-${run}-user-${n}`);
};

async function measure(name, storeFor) {
  let users = freshUsers();
  const everywhere = users.flatMap((user) => engineIndexes.map((i) => [user, i]));

  let fleet = await startFleet(storeFor);
  const atOnce = await fleet.visit(everywhere);
  const again = await fleet.visit(everywhere);
  const errors = [...fleet.errors];
  await fleet.close();

  users = freshUsers();
  fleet = await startFleet(storeFor);
  let roundRobin = 0;
  for (const i of engineIndexes) roundRobin += (await fleet.visit(users.map((u) => [u, i]))).calls;
  errors.push(...fleet.errors);
  await fleet.close();

  const sorted = atOnce.times.sort((a, b) => a - b);
  return {
    name,
    atOnce: atOnce.calls / USERS,
    again: again.calls,
    roundRobin: roundRobin / USERS,
    p50: sorted[Math.floor(sorted.length / 2)],
    p95: sorted[Math.floor(sorted.length * 0.95)],
    errors: [...new Set(errors)],
  };
}

const engineIndexes = Array.from({ length: INSTANCES }, (_, i) => i);

async function connected(clients) {
  const client = createClient({ url: redis.url });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

// Only to show what the lock is for: the same store without lock/unlock.
const withoutLock = (store) => ({
  get: (key) => store.get(key),
  set: (key, value, ttl) => store.set(key, value, ttl),
  delete: (key) => store.delete(key),
});

const results = [];
try {
  results.push(await measure('in-memory cache only (default)', async () => undefined));
  results.push(
    await measure('@plug-session/redis', async (clients) =>
      redisStore({ client: await connected(clients) }),
    ),
  );
  results.push(
    await measure('@plug-session/redis, lock removed', async (clients) =>
      withoutLock(redisStore({ client: await connected(clients) })),
    ),
  );
} finally {
  await emu.close();
  await redis.close();
}

if (args.includes('--json')) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const ms = (n) => `${n.toFixed(0)} ms`;
  console.log(
    `${INSTANCES} instances, ${USERS} users, DevRev answering in 100 ms (Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)})`,
  );
  console.log(
    '| cache | calls per user, all 3 at once | same again | calls per user, round-robin | lookup p50 / p95 (at once) | errors |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    const errors = r.errors.length ? r.errors.join(', ') : 'none';
    console.log(
      `| ${r.name} | ${r.atOnce.toFixed(2)} | ${r.again} calls | ${r.roundRobin.toFixed(2)} | ${ms(r.p50)} / ${ms(r.p95)} | ${errors} |`,
    );
  }
}
