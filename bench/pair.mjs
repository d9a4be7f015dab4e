#!/usr/bin/env node
// A paired check of a few 10 KB configurations of one framework, for deciding whether a change
// or a miss is real: `node bench/pair.mjs koa bare,noop,plug [rounds] [seconds]` (after
// `pnpm build`), with the options below. The servers stay up together; each round measures
// each configuration once, in rotating order, and the figure kept is the server's own CPU time
// per request (user + system), which depends less than req/s on what else the machine is
// doing. Prints, per setup, page and configuration, the median and every round's µs per
// request, and the rounds' ratios to the first configuration (bare); then a summary table.
//
//   --setup today|outside|today,outside   how the app is driven (apps.mjs); default today.
//                                         `outside` is issue 18's outside measurement: 50
//                                         users, a rev_info with an email and a display name,
//                                         Fastify `return page`, Koa `ctx.type = 'html'`
//   --page ascii,latin1,two-byte|all      the 10 KB page's alphabet (pages.mjs)
//   --body string,buffer|all              how the route sends it; without --page and --body,
//                                         `GET /` (the Latin-1 page as a string)
//   --users N                             distinct `x-user`s (default: today 100, outside 50)
//   --connections N                       default 50
//   --no-pin                              no taskset: server, load and orchestrator share
//                                         the cores, as in a measurement from outside
//   --no-window-gc                        no full collection before each window: the heap
//                                         carries over, and major collections count
//   --profile DIR                         CPU-profile every window (the warm-up round's too)
//                                         into DIR/<framework>-<setup>-<configuration>/;
//                                         DIR/…/windows.txt says which page each window was
//                                         and how many requests it served (profile.mjs --per)
import { appendFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '@plug-session/emulator';
import { mountsPlugSession, SCENARIOS, SETUPS } from './apps.mjs';
import { ALPHABETS, BODY_KINDS, pagePath } from './pages.mjs';
import { coreLayout, serverStarter, startLoad } from './procs.mjs';
import { median, quartiles } from './report.mjs';
import { measure, rotated, warmCache } from './suites.mjs';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    setup: { type: 'string', default: 'today' },
    page: { type: 'string' },
    body: { type: 'string' },
    users: { type: 'string' },
    connections: { type: 'string', default: '50' },
    'no-pin': { type: 'boolean', default: false },
    'no-window-gc': { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const [framework = 'express', list = 'bare,plug', roundsArg = '8', secondsArg = '2'] = positionals;
const scenarios = list.split(',');
const rounds = Number(roundsArg);
const seconds = Number(secondsArg);
const connections = Number(flags.connections);
for (const scenario of scenarios) {
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${scenario}`);
}
if (!(rounds >= 1 && seconds > 0)) throw new Error('rounds must be ≥ 1 and seconds > 0');
if (!(connections >= 1)) throw new Error('--connections must be ≥ 1');

/** A comma-separated list of `allowed` values, `all`, or `fallback` when not given. */
function listOf(flag, value, allowed, fallback) {
  if (value === undefined) return fallback;
  const values = value === 'all' ? allowed : value.split(',');
  for (const v of values) if (!allowed.includes(v)) throw new Error(`--${flag}: unknown ${v}`);
  return values;
}
const setups = listOf('setup', flags.setup, SETUPS, ['today']);
const pages =
  flags.page === undefined && flags.body === undefined
    ? [{ label: '/ (latin1 string)', path: '/' }]
    : listOf('page', flags.page, ALPHABETS, ['latin1']).flatMap((alphabet) =>
        listOf('body', flags.body, BODY_KINDS, ['string']).map((kind) => ({
          label: `${alphabet} ${kind}`,
          path: pagePath(alphabet, kind),
        })),
      );
const usersOf = (setup) =>
  flags.users !== undefined ? Number(flags.users) : setup === 'outside' ? 50 : 100;

const profileDir = flags.profile && `${resolve(flags.profile)}/`;
const layout = coreLayout(!flags['no-pin']);
const emulator = await startEmulator({ appAccessToken: 'bench-aat' });
const load = await startLoad(layout.load);
const ctx = { emulator, load, log: (line) => process.stderr.write(`${line}\n`) };
const start = serverStarter({ emulator, core: layout.server, profileDir });
/** One group per setup and page: its configurations, measured in rotating order each round. */
const groups = [];
const servers = [];
try {
  for (const setup of setups) {
    const configs = [];
    for (const scenario of scenarios) {
      const name = `${framework}-${setup}-${scenario}`;
      const windowGc = !flags['no-window-gc'];
      const server = await start(framework, scenario, name, { setup, windowGc });
      configs.push({ scenario, name, server, windows: 0 });
      servers.push(server);
      if (mountsPlugSession(scenario)) await warmCache(ctx, server.url);
    }
    for (const page of pages) {
      groups.push({ setup, page, entries: configs.map((config) => ({ config, samples: [] })) });
    }
  }
  // Round 0 warms the JIT on every page and is not kept.
  for (let round = 0; round <= rounds; round++) {
    for (const { setup, page, entries } of groups) {
      for (const entry of rotated(entries, round)) {
        const duration = round === 0 ? 2 : seconds;
        const spec = { path: page.path, connections, duration, users: usersOf(setup) };
        const result = await measure(ctx, entry.config.server, spec);
        if (result.upstreamCalls > 0) {
          ctx.log(`${entry.config.name}: ${result.upstreamCalls} DevRev calls (cache not warm?)`);
        }
        if (profileDir) {
          const dir = `${profileDir}${entry.config.name}`;
          mkdirSync(dir, { recursive: true });
          const served = `${result.served} requests`;
          const line = `window-${++entry.config.windows} round ${round} ${page.path} ${served}\n`;
          appendFileSync(`${dir}/windows.txt`, line);
        }
        if (round > 0) entry.samples.push(result);
      }
    }
    ctx.log(`round ${round || 'warm-up'} done`);
  }
  const fmt = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
  const summary = [
    '| framework | setup | page | configuration | CPU µs/req | × bare | middle half | GC µs/req |',
  ];
  summary.push('|---|---|---|---|---:|---:|---|---:|');
  for (const { setup, page, entries } of groups) {
    const base = entries[0];
    for (const { config, samples } of entries) {
      const cpu = samples.map((x) => x.cpuPerRequest);
      const ratios = cpu.map((x, i) => x / base.samples[i].cpuPerRequest);
      const [low, high] = quartiles(ratios);
      const gc = median(samples.map((x) => x.gcPerRequest));
      const majors = samples.reduce((n, x) => n + x.majorGcs, 0);
      const each = cpu.map((x) => x.toFixed(0)).join(' ');
      console.log(
        `${framework} ${setup} ${page.label} ${config.scenario.padEnd(8)} ${fmt(median(cpu), 1)} µs/req  (rounds: ${each})  ×${base.config.scenario} ${fmt(median(ratios), 3)} (middle half ${fmt(low, 3)} – ${fmt(high, 3)})  GC ${fmt(gc, 1)} µs/req, ${majors} major`,
      );
      summary.push(
        `| ${framework} | ${setup} | ${page.label} | ${config.scenario} | ${fmt(median(cpu), 1)} | ${config === base.config ? '1' : fmt(median(ratios), 3)} | ${config === base.config ? '' : `${fmt(low, 3)} – ${fmt(high, 3)}`} | ${fmt(gc, 1)} |`,
      );
    }
  }
  console.log(`\n${summary.join('\n')}`);
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  load.stop();
  await emulator.close();
}
