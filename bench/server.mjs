// One measured server, a process of its own: `node server.mjs --framework express --scenario
// inject --endpoint URL --script-src URL [--setup today|outside] [--timeout-ms 2000]
// [--timing] [--no-window-gc]` (apps.mjs has the routes, scenarios and setups). Prints `{"port":N,"pid":N}` as one JSON line once listening.
//
// RSS: sampled with `process.memoryUsage.rss()` every 50 ms. Over IPC, `{cmd:'window'}` starts
// a measured window and `{cmd:'stats'}` answers the window's max sampled RSS (with the heap
// breakdown at that sample), the RSS right after listening, the process's
// `resourceUsage().maxRSS`, the CPU time the window used, in all and per request served, and
// the time its garbage collections took (their pauses, from a `PerformanceObserver`).
// `{cmd:'exit'}` (or SIGTERM) exits normally. With `--profile DIR`, each window is CPU-profiled
// (V8's sampling profiler through the inspector, 100 µs interval) into DIR/window-N.cpuprofile:
// only the measured load, not start-up.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { apps, SCENARIOS, SETUPS } from './apps.mjs';

const { values: args } = parseArgs({
  options: {
    framework: { type: 'string' },
    scenario: { type: 'string' },
    setup: { type: 'string', default: 'today' },
    endpoint: { type: 'string', default: 'http://127.0.0.1:9/internal/auth-tokens.create' },
    'script-src': { type: 'string', default: 'http://127.0.0.1:9/static/plug.js' },
    'timeout-ms': { type: 'string', default: '2000' },
    // Time from a request's arrival to its route handler (what the middleware held it for).
    timing: { type: 'boolean', default: false },
    profile: { type: 'string' },
    // No full collection at the start of each window: the heap carries over, as in a server
    // measured from outside, and a window pays for the major collections its load causes.
    'no-window-gc': { type: 'boolean', default: false },
  },
});
if (!SCENARIOS.includes(args.scenario)) throw new Error(`unknown scenario ${args.scenario}`);
if (!SETUPS.includes(args.setup)) throw new Error(`unknown setup ${args.setup}`);
if (!(args.framework in apps)) throw new Error(`unknown framework ${args.framework}`);

/** onError calls by code, e.g. `{ TIMEOUT: 3 }`. */
let onErrors = {};
const plugOptions = (resolveUser) => ({
  appAccessToken: 'bench-aat',
  endpoint: args.endpoint,
  timeoutMs: Number(args['timeout-ms']),
  resolveUser,
  // Counted, not logged: the breaker scenario fails every request on purpose.
  onError: (error) => {
    onErrors[error.code] = (onErrors[error.code] ?? 0) + 1;
  },
  ...(args.scenario === 'inject'
    ? { appId: 'bench-app', injectScript: { scriptSrc: args['script-src'] } }
    : {}),
});
const ARRIVED = Symbol('arrived');
let held = [];
/** Called by every route with the raw request: how long since it arrived (with `--timing`). */
const reached = (raw) => {
  if (raw[ARRIVED] !== undefined) held.push(performance.now() - raw[ARRIVED]);
};

const server = await apps[args.framework]({
  scenario: args.scenario,
  setup: args.setup,
  plugOptions,
  reached,
});
// The footprint of the loaded code before any request: what a scenario costs at rest.
const rssAtListen = process.memoryUsage.rss();
let served = 0; // requests in the window, counted here: CPU time per request needs no load figure
server.on('request', () => void served++);
if (args.timing) {
  server.prependListener('request', (req) => {
    req[ARRIVED] = performance.now();
  });
}

// RSS over the measured window, sampled every 50 ms (and once at each end of it).
let maxRss = 0;
let atPeak; // process.memoryUsage() and V8's new space at the peak sample: where the RSS went
let samples = 0;
let windowCpu = process.cpuUsage();
let windowStart = performance.now();
// GC pauses in the window: what found the fourth round's fix (an allocation pattern that made
// requests survive scavenges shows here before it shows anywhere else).
let gcMs = 0;
let majorGcMs = 0;
let majorGcs = 0;
new PerformanceObserver((list) => {
  // Reported after the fact: the full collection that starts a window comes in after it began.
  for (const entry of list.getEntries()) {
    if (entry.startTime < windowStart) continue;
    gcMs += entry.duration;
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      majorGcMs += entry.duration;
      majorGcs++;
    }
  }
}).observe({ entryTypes: ['gc'] });
const sample = () => {
  const rss = process.memoryUsage.rss();
  samples++;
  if (rss <= maxRss) return;
  maxRss = rss;
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  atPeak = { ...process.memoryUsage(), newSpace: newSpace?.space_size };
};
setInterval(sample, 50).unref();

/** p50, p99 and max of the `--timing` samples, in ms. */
function quantiles(xs) {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { count: xs.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) };
}

let profiler;
let profiled = 0;
async function startProfile() {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
  await profiler.post('Profiler.start');
}
async function stopProfile() {
  const { profile } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  profiler = undefined;
  mkdirSync(args.profile, { recursive: true });
  writeFileSync(join(args.profile, `window-${++profiled}.cpuprofile`), JSON.stringify(profile));
}

function exit() {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', exit);
process.on('SIGINT', exit);
process.on('disconnect', exit); // the orchestrator died: never outlive it
process.on('message', async (message) => {
  if (message.cmd === 'window') {
    // A full collection first, so that what the warm-up or the previous window left for the
    // collector does not count as this window's peak: the peak is what this load needs.
    if (!args['no-window-gc']) globalThis.gc?.();
    if (args.profile) await startProfile();
    maxRss = 0;
    atPeak = undefined;
    samples = 0;
    served = 0;
    held = [];
    onErrors = {};
    sample();
    gcMs = 0;
    majorGcMs = 0;
    majorGcs = 0;
    windowCpu = process.cpuUsage();
    windowStart = performance.now();
    process.send({ cmd: 'window' });
  } else if (message.cmd === 'stats') {
    sample();
    const cpu = process.cpuUsage(windowCpu);
    const wallMs = performance.now() - windowStart;
    if (profiler) await stopProfile();
    process.send({
      cmd: 'stats',
      maxRss,
      atPeak,
      samples,
      maxRssProcess: process.resourceUsage().maxRSS * 1024,
      rssAtListen,
      cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
      cpuPerRequest: served > 0 ? (cpu.user + cpu.system) / served : undefined,
      // Kernel time (system) is mostly loopback sends and wake-ups; user time is the code's.
      userCpuPerRequest: served > 0 ? cpu.user / served : undefined,
      gcPerRequest: served > 0 ? (gcMs * 1000) / served : undefined,
      // Of which major (mark-compact) collections, and how many there were.
      majorGcPerRequest: served > 0 ? (majorGcMs * 1000) / served : undefined,
      majorGcs,
      served,
      held: quantiles(held),
      onErrors,
    });
  } else if (message.cmd === 'exit') {
    exit();
  }
});
process.stdout.write(`${JSON.stringify({ port: server.address().port, pid: process.pid })}\n`);
