// The measured suites. Each takes a context { emulator, load, startServer, timing, log } and
// returns plain data for report.mjs.
import { mountsPlugSession } from './apps.mjs';
import { PAGES_10K } from './pages.mjs';

/** The configurations of one framework: a scenario of server.mjs and the page it is asked for. */
export function configsFor(framework) {
  const page = (id, scenario, path, connections) => ({ id, scenario, path, connections });
  const small = [page('bare', 'bare', '/', 50), page('noop', 'noop', '/', 50)];
  small.push(page('plug', 'plug', '/', 50), page('inject', 'inject', '/', 50));
  // plug-2m: the same library, loaded and warm, without injection; inject-2m against it is what
  // streaming the page through the injector costs, apart from what the library costs at all.
  const big = [page('bare-2m', 'bare', '/big', 10), page('plug-2m', 'plug', '/big', 10)];
  big.push(page('inject-2m', 'inject', '/big', 10));
  if (framework === 'express') {
    small.push(page('livereload', 'livereload', '/', 50));
    big.push(page('livereload-2m', 'livereload', '/big', 10));
  }
  return [...small, ...big];
}

const USERS = 100;

/**
 * Fills the token cache: every user once, a few at a time (a burst of cold mints on this busy
 * machine can time out and open the breaker), then again until a whole pass makes no DevRev
 * call, so that measured windows never mint. Resolves to the calls the last pass made.
 */
export async function warmCache(ctx, url) {
  const fetchUser = async (i) => {
    const response = await fetch(`${url}/`, { headers: { 'x-user': `u${i}` } });
    await response.arrayBuffer();
  };
  let calls = Number.NaN;
  for (let pass = 0; pass < 4 && calls !== 0; pass++) {
    if (pass > 1) await new Promise((resolve) => setTimeout(resolve, 10_000)); // breaker cool-down
    const before = ctx.emulator.callCount;
    for (let i = 0; i < USERS; i += 5)
      await Promise.all([0, 1, 2, 3, 4].map((k) => fetchUser(i + k)));
    calls = ctx.emulator.callCount - before;
  }
  if (calls !== 0) ctx.log(`${url}: the token cache is still not warm (${calls} calls)`);
}

/** One window: RSS and CPU from the server, latency and throughput from the load generator. */
export async function measure(ctx, server, spec) {
  await server.startWindow();
  const before = ctx.emulator.callCount;
  const load = await ctx.load.run({ url: server.url, users: USERS, ...spec });
  const stats = await server.stats();
  return { ...load, ...stats, upstreamCalls: ctx.emulator.callCount - before };
}

/**
 * The configurations in the order of round `round`: each round starts one further along, so
 * that no configuration always follows the same one (a window inherits what the previous
 * server left on the core: its last GC, its closing connections) or sits at the same point
 * of the round.
 */
export function rotated(configs, round) {
  const start = round % configs.length;
  return [...configs.slice(start), ...configs.slice(0, start)];
}

/**
 * Scenarios 1–6 of one framework: a server per configuration, all alive for the whole suite.
 * The 10 KB configurations are measured in rounds of their own, then the 2 MB ones, so that a
 * configuration and its baseline are never more than one short round apart: the machine's
 * speed changes over tens of seconds here, and a pair that straddles a change is not a pair.
 * In each set, round 0 is the warm-up and is not kept, and the order rotates (A B C …, B C …
 * A, …).
 */
export async function throughputSuite(ctx, framework) {
  const configs = configsFor(framework);
  const servers = new Map();
  const samples = Object.fromEntries(configs.map((c) => [c.id, []]));
  try {
    const start = async (config) => {
      const server = await ctx.startServer(framework, config.scenario, `${framework}-${config.id}`);
      servers.set(config.id, server);
    };
    await Promise.all(configs.map(start));
    for (const config of configs) {
      if (mountsPlugSession(config.scenario)) {
        await warmCache(ctx, servers.get(config.id).url);
      }
    }
    const pages = [configs.filter((c) => c.path === '/'), configs.filter((c) => c.path !== '/')];
    for (const set of pages) {
      // Round 0 is the warm-up, unless there is none (the quick pass).
      for (let round = ctx.timing.warmup > 0 ? 0 : 1; round <= ctx.timing.rounds; round++) {
        const duration = round === 0 ? ctx.timing.warmup : ctx.timing.measure;
        for (const config of rotated(set, round)) {
          const spec = { path: config.path, connections: config.connections, duration };
          const result = await measure(ctx, servers.get(config.id), spec);
          if (round > 0) samples[config.id].push(result);
          const label = round || 'warm-up';
          ctx.log(`${framework} ${config.id} round ${label}: ${Math.round(result.rps)} req/s`);
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
  return { configs, samples };
}

/** The configurations of the pages suite, bare first: every ratio is against it. */
export const PAGE_SCENARIOS = ['bare', 'plug', 'inject'];
/** The outside setup's users: 50, one per connection at any moment. */
const OUTSIDE_USERS = 50;

/**
 * Issue 18's outside setup (apps.mjs) on every 10 KB page: each alphabet, sent as a string and
 * as a Buffer, by bare, plug-session with a cached token, and plug-session with injection; 50
 * connections, 50 users. One server per configuration for the whole suite; each round measures
 * every page, its configurations in rotating order (round 0, the warm-up, is not kept).
 */
export async function pagesSuite(ctx, framework) {
  const servers = new Map();
  const samples = Object.fromEntries(
    PAGES_10K.map(({ path }) => [path, Object.fromEntries(PAGE_SCENARIOS.map((s) => [s, []]))]),
  );
  try {
    const start = async (scenario) => {
      const name = `${framework}-pages-${scenario}`;
      servers.set(scenario, await ctx.startServer(framework, scenario, name, { setup: 'outside' }));
    };
    await Promise.all(PAGE_SCENARIOS.map(start));
    for (const scenario of PAGE_SCENARIOS) {
      if (mountsPlugSession(scenario)) await warmCache(ctx, servers.get(scenario).url);
    }
    const { warmup, measure: seconds, rounds } = ctx.timing.pages;
    for (let round = warmup > 0 ? 0 : 1; round <= rounds; round++) {
      for (const { path } of PAGES_10K) {
        for (const scenario of rotated(PAGE_SCENARIOS, round)) {
          const duration = round === 0 ? warmup : seconds;
          const spec = { path, connections: 50, duration, users: OUTSIDE_USERS };
          const result = await measure(ctx, servers.get(scenario), spec);
          if (round > 0) samples[path][scenario].push(result);
        }
      }
      ctx.log(`${framework} pages round ${round || 'warm-up'} done`);
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
  const pages = PAGES_10K.map(({ path, alphabet, kind }) => ({ path, alphabet, kind }));
  return { setup: 'outside', users: OUTSIDE_USERS, scenarios: PAGE_SCENARIOS, pages, samples };
}

/** Scenario 7: 100 distinct users, 10 000 requests (quick: 2 000) at 50 connections, cold cache. */
export async function upstreamSuite(ctx, framework) {
  const server = await ctx.startServer(framework, 'plug', `${framework}-upstream`);
  try {
    ctx.emulator.clearCalls();
    const amount = ctx.timing.upstreamRequests;
    const load = await ctx.load.run({ url: server.url, connections: 50, amount, users: USERS });
    const { onErrors } = await server.stats();
    const users = new Set(ctx.emulator.calls.map((call) => call.revInfo?.user_ref));
    const calls = ctx.emulator.callCount;
    return {
      requests: load.requests,
      non2xx: load.non2xx,
      onErrors,
      users: USERS,
      calls,
      distinctInCalls: users.size,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Scenario 8: DevRev starts hanging under a warm server. A plug-session server (`timeoutMs`
 * 500) and a bare one are warmed while DevRev is healthy; then DevRev hangs and a first wave
 * of requests arrives, one per connection, each a different uncached user: each waits for its
 * token until `timeoutMs`, and their failures open the breaker. Then, breaker open, the two
 * are measured alternately (new users only, so every request asks for a token and the
 * breaker refuses it at once; a probe every 10 s hangs until `timeoutMs` and re-opens it).
 */
export async function breakerSuite(ctx, framework) {
  const timeoutMs = 500;
  const connections = 50;
  const uncached = { users: 5000, userOffset: 100_000 };
  // Both servers time how long each request waited before its route handler ran.
  const [plug, bare] = await Promise.all([
    ctx.startServer(framework, 'plug', `${framework}-breaker`, { timeoutMs, timing: true }),
    ctx.startServer(framework, 'bare', `${framework}-breaker-bare`, { timing: true }),
  ]);
  const samples = { breaker: [], bare: [] };
  try {
    for (const server of [plug, bare]) {
      const duration = Math.max(ctx.timing.warmup, 0.25);
      await ctx.load.run({ url: server.url, connections, duration });
    }
    ctx.emulator.setFault({ type: 'hang' });
    await plug.startWindow();
    const firstLoad = await ctx.load.run({
      url: plug.url,
      connections,
      amount: connections,
      ...uncached,
    });
    const first = { ...firstLoad, held: (await plug.stats()).held };
    const pair = [
      ['breaker', plug],
      ['bare', bare],
    ];
    for (let round = 1; round <= ctx.timing.rounds; round++) {
      for (const [id, server] of pair) {
        const spec = { connections, duration: ctx.timing.breaker, ...uncached };
        samples[id].push(await measure(ctx, server, spec));
      }
    }
    return { timeoutMs, connections, first, samples };
  } finally {
    ctx.emulator.setFault(undefined);
    await Promise.all([plug.stop(), bare.stop()]);
  }
}
