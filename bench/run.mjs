#!/usr/bin/env node
// plug-session's benchmark orchestrator (`pnpm bench`, or `node bench/run.mjs` after
// `pnpm build`). Flags: --quick (about a minute), --only express,koa, --json out.json,
// --profile (each server's measured windows are CPU-profiled into
// bench/profiles/<framework>-<config>/window-N.cpuprofile; read them with profile.mjs), --no-pin,
// --no-pages (without the pages suite: issue 18's outside setup on every alphabet and body).
// Progress goes to stderr; the markdown report to stdout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from '@plug-session/emulator';
import { coreLayout, serverStarter, startLoad } from './procs.mjs';
import { renderReport } from './report.mjs';
import { breakerSuite, pagesSuite, throughputSuite, upstreamSuite } from './suites.mjs';

const FRAMEWORKS = ['express', 'fastify', 'koa', 'hono'];
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    'no-pages': { type: 'boolean', default: false },
  },
});
const frameworks = flags.only ? flags.only.split(',').map((name) => name.trim()) : FRAMEWORKS;
for (const name of frameworks) {
  if (!FRAMEWORKS.includes(name)) throw new Error(`--only: unknown framework ${name}`);
}
// Seconds. Every configuration: one warm-up window, then `rounds` measured windows; on a busy
// machine more, shorter, paired rounds give steadier medians than a few long ones. The quick
// pass is a smoke test of the whole suite (one round and no warm-up round, 2 000 requests in
// scenario 7).
// The pages suite measures six pages × three configurations per round: shorter windows.
const timing = flags.quick
  ? {
      warmup: 0,
      measure: 0.5,
      breaker: 0.5,
      rounds: 1,
      upstreamRequests: 2000,
      pages: { warmup: 0, measure: 0.5, rounds: 1 },
    }
  : {
      warmup: 2,
      measure: 1.25,
      breaker: 2,
      rounds: 8,
      upstreamRequests: 10_000,
      pages: { warmup: 1, measure: 1, rounds: 6 },
    };

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  let pressure;
  try {
    pressure = /avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1];
  } catch {}
  return {
    cpu: model,
    cores: cpus().length,
    node: process.version,
    loadavg: loadavg()[0],
    cpuPressure60: pressure,
  };
}

const started = performance.now();
const log = (line) =>
  process.stderr.write(`› ${((performance.now() - started) / 1000).toFixed(0)} s: ${line}\n`);
const layout = coreLayout(!flags['no-pin']);
const profileDir = flags.profile
  ? fileURLToPath(new URL('./profiles/', import.meta.url))
  : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const emulator = await startEmulator({ appAccessToken: 'bench-aat' });
const load = await startLoad(layout.load);
const ctx = {
  emulator,
  load,
  timing,
  log,
  startServer: serverStarter({ emulator, core: layout.server, profileDir }),
};

const results = {
  command: `node bench/run.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: { before: machine() },
  pinned: layout.server !== undefined,
  // The 10 KB and the 2 MB configurations in round sets of their own (runs before I: one set).
  roundSets: true,
  timing,
  throughput: {},
  pages: {},
  upstream: {},
  breaker: {},
};
try {
  for (const framework of frameworks) {
    log(`${framework}: throughput (scenarios 1-6)`);
    results.throughput[framework] = await throughputSuite(ctx, framework);
    if (!flags['no-pages']) {
      log(`${framework}: the 10 KB page in three alphabets, string and Buffer (outside setup)`);
      results.pages[framework] = await pagesSuite(ctx, framework);
    }
    log(`${framework}: upstream efficiency (scenario 7)`);
    results.upstream[framework] = await upstreamSuite(ctx, framework);
    log(`${framework}: DevRev hanging (scenario 8)`);
    results.breaker[framework] = await breakerSuite(ctx, framework);
  }
} finally {
  load.stop();
  await emulator.close();
}
results.machine.after = machine();
results.seconds = (performance.now() - started) / 1000;
if (flags.json) writeFileSync(flags.json, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(renderReport(results));
