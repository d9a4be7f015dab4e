// The soak: steady load on Express, Fastify and Koa apps in a child process (run with
// --expose-gc), by users churning through more identities than the cache holds, while DevRev
// (the emulator, in this process) fails and recovers on a schedule. The child's memory is
// sampled after full GCs, and its sockets, timers and listeners counted before and after.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Emulator, type EmulatorFault, startEmulator } from '@plug-session/emulator';
import { type Reply, send } from '../../conformance/src/support/http.js';
import { PAGE } from '../../conformance/src/support/pages.js';
import { AAT, AAT_MARK, MARGIN_MS, TIMEOUT_MS } from '../test/support/constants.js';
import type { ServerSample, SoakServerConfig } from './server.js';

export interface SoakOptions {
  /** How long the load lasts. */
  minutes: number;
  /** The bundled server (soak/.build/server.mjs). */
  serverPath: string;
  /** The DevRev outage inside the soak; 0 for none. */
  outageMs: number;
  /** How long each other fault lasts. @default 5000 */
  faultMs?: number;
  /** Healthy load before the first fault; memory is measured from its end. @default 20% of the run, at most 30 s */
  warmMs?: number;
  /** Requests per second, spread over the three apps. @default 80 */
  rate?: number;
  /** Identities the users churn through; the cache holds `cacheMax`. */
  identities?: number;
  cacheMax?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** One window of the schedule and what happened in it. */
export interface SoakWindow {
  name: string;
  fromMs: number;
  toMs: number;
  requests: number;
  identified: number;
  tokens: number;
  /**
   * Identified requests that started and ended within the window's last 3 s (for the warm-up:
   * anywhere in it), and those of them that got a token: whether users had tokens by then.
   */
  settledIdentified: number;
  settledTokens: number;
  worstMs: number;
  calls: number;
}

export interface SoakResult {
  minutes: number;
  requests: number;
  /** Bytes the server wrote to stdout/stderr (searched for the AAT). */
  outputBytes: number;
  /** Broken promises (a status, a broken page, a foreign token, the AAT); the first 20. */
  problems: string[];
  problemCount: number;
  /** The slowest request of the whole run, warm-up included. */
  worstMs: number;
  limitMs: number;
  windows: SoakWindow[];
  upstreamCalls: number;
  /** Child samples: at start (idle), after warm-up, every 5 s, and at the end (idle again). */
  start: ServerSample;
  warm: ServerSample;
  end: ServerSample;
  series: Array<{ atMs: number; heapUsed: number; rss: number; timers: number; sockets: number }>;
  gcExposed: boolean;
}

const HOLD = { healthyAfterBreakerMs: 12_000, healthyAfterOtherMs: 2500 };

interface Step {
  name: string;
  /** Switches the fault on; returns what switches it off. */
  apply(devrev: DevRev): Promise<() => Promise<void>>;
  opensBreaker: boolean;
  durationMs?: number;
}

/** The emulator in use, and every one used (an outage closes one and starts another on its port). */
class DevRev {
  readonly all: Emulator[] = [];
  constructor(public emu: Emulator) {
    this.all.push(emu);
  }
  get calls(): number {
    return this.all.reduce((sum, emu) => sum + emu.callCount, 0);
  }
  async restart(): Promise<void> {
    const port = Number(new URL(this.emu.url).port);
    this.emu = await startEmulator({ appAccessToken: AAT, tokenTtlSeconds: 60, port });
    this.all.push(this.emu);
  }
}

const fault = (name: string, value: EmulatorFault, opensBreaker = true): Step => ({
  name,
  opensBreaker,
  async apply(devrev) {
    devrev.emu.setFault(value);
    return async () => devrev.emu.setFault(undefined);
  },
});
const latency = (ms: number): Step => ({
  name: `latency ${ms} ms`,
  opensBreaker: ms >= TIMEOUT_MS,
  async apply(devrev) {
    devrev.emu.setLatency(ms);
    return async () => devrev.emu.setLatency(0);
  },
});
const outage = (ms: number): Step => ({
  name: `outage ${ms / 1000} s`,
  opensBreaker: true,
  durationMs: ms,
  async apply(devrev) {
    await devrev.emu.close();
    return () => devrev.restart();
  },
});

/** The fault schedule: warm-up, then faults each followed by long enough a healthy window. */
function schedule(totalMs: number, warmMs: number, faultMs: number, outageMs: number) {
  const steps: Step[] = [
    fault('503', { type: 'status', status: 503 }),
    latency(600),
    fault('429 Retry-After: 1', { type: 'status', status: 429, retryAfterSeconds: 1 }, false),
    fault('reset', { type: 'reset' }),
    ...(outageMs > 0 ? [outage(outageMs)] : []),
    latency(1500),
    fault('malformed 200', { type: 'malformed' }),
    fault('drip 1 B/s', { type: 'drip', intervalMs: 1000 }),
    fault('10 MB body', { type: 'oversize', bytes: 10 * 1024 * 1024 }),
  ];
  const plan: Array<{ step?: Step; name: string; fromMs: number; toMs: number }> = [
    { name: 'warm-up', fromMs: 0, toMs: warmMs },
  ];
  let at = warmMs;
  for (let i = 0; ; i++) {
    // After the first round, the outage is not repeated.
    const step = steps[i % steps.length]!;
    if (i >= steps.length && step.name.startsWith('outage')) continue;
    const lasts = step.durationMs ?? faultMs;
    const heal = step.opensBreaker ? HOLD.healthyAfterBreakerMs : HOLD.healthyAfterOtherMs;
    if (at + lasts + heal > totalMs) break;
    plan.push({ step, name: step.name, fromMs: at, toMs: at + lasts });
    plan.push({ name: `healthy after ${step.name}`, fromMs: at + lasts, toMs: at + lasts + heal });
    at += lasts + heal;
  }
  plan[plan.length - 1]!.toMs = totalMs;
  return plan;
}

const PAGE_TEXT = PAGE;
const INSERT_AT = PAGE.lastIndexOf('</body>');
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g;
const subOf = (jwt: string): unknown => {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')).sub;
  } catch {
    return undefined;
  }
};

/**
 * What one answer must be, without vitest (the soak runs under plain node): 200; a page that
 * is the original, or the original with one snippet before its last </body> (a session_token
 * only for a user, and only their own); no token of anyone else anywhere; no AAT.
 */
export function checkAnswer(
  path: string,
  user: string | undefined,
  reply: Reply,
  scriptSrc: string,
): { token?: string; problem?: string } {
  const where = `${path} as ${user ?? 'anonymous'}`;
  if (reply.status !== 200) return { problem: `${where}: status ${reply.status}` };
  const all = `${JSON.stringify(reply.headers)}\n${reply.text}`;
  if (all.includes(AAT_MARK)) return { problem: `${where}: the AAT in the answer` };
  for (const [jwt] of all.matchAll(JWT)) {
    if (subOf(jwt) !== user) return { problem: `${where}: a token for ${String(subOf(jwt))}` };
  }
  if (path === '/echo') {
    const { token } = reply.json() as { token: string | null };
    if (user === undefined && token !== null) return { problem: `${where}: a token` };
    return token === null ? {} : { token };
  }
  const text = reply.text;
  const at = text.indexOf(`<script src="${scriptSrc}"`);
  if (at === -1) {
    if (text !== PAGE_TEXT) return { problem: `${where}: not the original page` };
    return user === undefined ? { problem: `${where}: no widget for a visitor` } : {};
  }
  const close = text.indexOf('</script>', text.indexOf('</script>', at) + 9) + 9;
  if (at !== INSERT_AT || text.slice(0, at) + text.slice(close) !== PAGE_TEXT) {
    return { problem: `${where}: the page around the snippet changed` };
  }
  const arg = /window\.plugSDK\.init\((.*)\);<\/script>$/.exec(text.slice(at, close))?.[1];
  let parsed: { session_token?: unknown };
  try {
    parsed = JSON.parse(arg ?? '') as { session_token?: unknown };
  } catch {
    return { problem: `${where}: the init argument is not JSON` };
  }
  const token = parsed.session_token;
  if (user === undefined) return token === undefined ? {} : { problem: `${where}: a token` };
  if (typeof token !== 'string') return { problem: `${where}: an anonymous widget for a user` };
  return { token };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function request(child: ChildProcess): Promise<ServerSample> {
  const answer = new Promise<ServerSample>((resolve) => {
    const onMessage = (message: { type?: string }) => {
      if (message.type !== 'sample') return;
      child.off('message', onMessage);
      resolve(message as ServerSample);
    };
    child.on('message', onMessage);
  });
  child.send({ cmd: 'sample' });
  return answer;
}

/** Runs the soak; resolves with what it measured (it throws only if it cannot run at all). */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { minutes, serverPath, outageMs, faultMs = 5000, rate = 80 } = options;
  const { identities = 2000, cacheMax = 500, log = () => {} } = options;
  const totalMs = minutes * 60_000;
  const warmMs = options.warmMs ?? Math.min(30_000, totalMs * 0.2);
  const devrev = new DevRev(await startEmulator({ appAccessToken: AAT, tokenTtlSeconds: 60 }));
  const scriptSrc = devrev.emu.scriptSrc;
  const config: SoakServerConfig = {
    endpoint: devrev.emu.endpoint,
    scriptSrc,
    timeoutMs: TIMEOUT_MS,
    cacheMax,
  };
  const child = spawn(process.execPath, ['--expose-gc', serverPath, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const problems: string[] = [];
  let problemCount = 0;
  const problem = (text: string) => {
    problemCount += 1;
    if (problems.length < 20) problems.push(text);
  };
  // Whatever the server prints (frameworks, warnings) is searched for the AAT too.
  const stderr: string[] = [];
  let outputBytes = 0;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      outputBytes += chunk.length;
      if (stream === child.stderr && stderr.length < 50) stderr.push(text);
      if (text.includes(AAT_MARK)) problem(`the AAT in the server's output: ${text.slice(0, 200)}`);
    });
  }

  try {
    const ready = (await Promise.race([
      once(child, 'message').then(([message]) => message),
      once(child, 'exit').then(() => {
        throw new Error(`the soak server exited: ${stderr.join('')}`);
      }),
    ])) as { urls: Record<string, string>; gc: boolean };
    const urls = Object.values(ready.urls);
    const start = await request(child);
    const plan = schedule(totalMs, warmMs, faultMs, outageMs);
    log(
      `soak: ${minutes} min, ${rate} req/s over ${Object.keys(ready.urls).join(', ')}, ${identities} identities, cache ${cacheMax}`,
    );
    log(`soak: ${plan.map((w) => `${w.name} @${Math.round(w.fromMs / 1000)}s`).join(' → ')}`);

    const windows: SoakWindow[] = plan.map((w) => ({
      name: w.name,
      fromMs: w.fromMs,
      toMs: w.toMs,
      requests: 0,
      identified: 0,
      tokens: 0,
      settledIdentified: 0,
      settledTokens: 0,
      worstMs: 0,
      calls: 0,
    }));
    const t0 = performance.now();
    const elapsed = () => performance.now() - t0;
    const windowAt = (ms: number) =>
      windows.find((w) => ms >= w.fromMs && ms < w.toMs) ?? windows[windows.length - 1]!;
    let requests = 0;
    let worstMs = 0;

    // The fault controller.
    const controller = (async () => {
      for (const [index, w] of plan.entries()) {
        const wait = w.fromMs - elapsed();
        if (wait > 0) await sleep(wait);
        const callsBefore = devrev.calls;
        let stop: (() => Promise<void>) | undefined;
        if (w.step) {
          log(`soak: ${Math.round(elapsed() / 1000)}s ${w.step.name} on`);
          stop = await w.step.apply(devrev);
        }
        const left = w.toMs - elapsed();
        if (left > 0) await sleep(left);
        if (stop) {
          await stop();
          log(`soak: ${Math.round(elapsed() / 1000)}s ${w.step!.name} off`);
        }
        windows[index]!.calls = devrev.calls - callsBefore;
      }
    })();

    // Memory: after the warm-up, then every 5 s.
    let warm: ServerSample | undefined;
    const series: SoakResult['series'] = [];
    const point = (s: ServerSample) => ({
      atMs: elapsed(),
      heapUsed: s.memory.heapUsed,
      rss: s.memory.rss,
      timers: s.timers,
      sockets: s.resources.TCPSocketWrap ?? 0,
    });
    const sampler = (async () => {
      await sleep(warmMs);
      warm = await request(child);
      series.push(point(warm));
      log(`soak: warm-up over, heap ${mb(warm.memory.heapUsed)} MB, rss ${mb(warm.memory.rss)} MB`);
      while (elapsed() < totalMs - 5000) {
        await sleep(5000);
        const s = await request(child);
        series.push(point(s));
      }
    })();

    // The load: requests spread evenly in time, at most 32 in flight.
    const paths = ['/page', '/stream', '/echo'];
    let next = 0;
    const client = async () => {
      for (;;) {
        const index = next++;
        const due = (index * 1000) / rate;
        if (due >= totalMs) return;
        const wait = due - elapsed();
        if (wait > 0) await sleep(wait);
        // Every app sees the whole walk (its own cache must cope with all the identities):
        // half the users come back often (a hot tenth of the identities, cache hits), the
        // others walk through the rest, each seen again only after far more other users than
        // the cache holds, so they keep falling out of it. A seventh are anonymous.
        const url = urls[index % urls.length]!;
        const k = Math.floor(index / urls.length);
        const hot = Math.floor(identities / 10);
        const user =
          k % 7 === 6
            ? undefined
            : k % 2 === 0
              ? `s-${((k >> 1) * 31) % hot}`
              : `s-${hot + (((k >> 1) * 7919) % (identities - hot))}`;
        const path = paths[k % 3]!;
        const startedMs = elapsed();
        const w = windowAt(startedMs);
        let reply: Reply | undefined;
        try {
          reply = await send(url, path, user === undefined ? {} : { user });
        } catch (error) {
          problem(`${path} as ${user ?? 'anonymous'}: no answer (${String(error)})`);
        }
        const endedMs = elapsed();
        const tookMs = endedMs - startedMs;
        requests += 1;
        w.requests += 1;
        w.worstMs = Math.max(w.worstMs, tookMs);
        worstMs = Math.max(worstMs, tookMs);
        if (!reply) continue;
        const checked = checkAnswer(path, user, reply, scriptSrc);
        if (checked.problem) problem(checked.problem);
        if (user === undefined) continue;
        const settledFrom = w === windows[0] ? w.fromMs : w.toMs - 3000;
        const settled = startedMs >= settledFrom && endedMs < w.toMs;
        w.identified += 1;
        if (settled) w.settledIdentified += 1;
        if (checked.token !== undefined) {
          w.tokens += 1;
          if (settled) w.settledTokens += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, client));
    await controller;
    await sampler;
    log(
      `soak: load over after ${Math.round(elapsed() / 1000)}s, ${requests} requests; waiting for idle sockets`,
    );

    // Idle again: keep-alive sockets (ours after 1 s, DevRev's after 5 s) close by themselves.
    let end = await request(child);
    const settling = () =>
      end.timers > start.timers ||
      Object.entries(end.resources).some(([type, n]) => n > (start.resources[type] ?? 0));
    for (let waited = 0; waited < 15_000 && settling(); waited += 1000) {
      await sleep(1000);
      end = await request(child);
    }
    return {
      minutes,
      requests,
      outputBytes,
      problems,
      problemCount,
      worstMs,
      limitMs: TIMEOUT_MS + MARGIN_MS,
      windows,
      upstreamCalls: devrev.calls,
      start,
      warm: warm!,
      end,
      series,
      gcExposed: ready.gc,
    };
  } finally {
    if (child.exitCode === null) {
      child.send({ cmd: 'exit' });
      await Promise.race([once(child, 'exit'), sleep(5000)]);
      if (child.exitCode === null) child.kill();
    }
    await Promise.all(devrev.all.map((emu) => emu.close()));
  }
}

/** The allowance for resources that come and go (an idle keep-alive socket, a timer). */
export const RESOURCE_ALLOWANCE = 4;

/** How many more resources of any type there are at the end than at the start, beyond the allowance. */
export function grown(start: ServerSample, end: ServerSample): number {
  let over = 0;
  for (const [type, count] of Object.entries(end.resources)) {
    over += Math.max(0, count - (start.resources[type] ?? 0) - RESOURCE_ALLOWANCE);
  }
  over += Math.max(0, end.timers - start.timers - RESOURCE_ALLOWANCE);
  return over + Math.max(0, end.listeners - start.listeners);
}

/** Bytes as megabytes with one decimal. */
export const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;

/** Heap growth allowed from the end of the warm-up to the end of the soak. */
export const HEAP_MARGIN = 30 * 1024 * 1024;
/** RSS growth allowed (the allocator keeps pages it got; this bounds it, loosely). */
export const RSS_MARGIN = 100 * 1024 * 1024;

/** The promises the soak keeps; every broken one, as a sentence. */
export function judgeSoak(result: SoakResult): string[] {
  const broken: string[] = [];
  const { start, warm, end } = result;
  if (!result.gcExposed) broken.push('the server ran without --expose-gc');
  if (result.problemCount > 0)
    broken.push(`${result.problemCount} bad answers: ${result.problems.join('; ')}`);
  // The warm-up starts on a cold process (lazy requires, JIT); from its end on, no request may
  // wait longer than the budget and the margin.
  for (const w of result.windows.slice(1)) {
    if (w.worstMs > result.limitMs) {
      broken.push(
        `${w.name}: a request took ${Math.round(w.worstMs)} ms (limit ${result.limitMs})`,
      );
    }
  }
  if (end.memory.heapUsed > warm.memory.heapUsed + HEAP_MARGIN) {
    broken.push(`heap grew from ${mb(warm.memory.heapUsed)} to ${mb(end.memory.heapUsed)} MB`);
  }
  if (end.memory.rss > warm.memory.rss + RSS_MARGIN) {
    broken.push(`RSS grew from ${mb(warm.memory.rss)} to ${mb(end.memory.rss)} MB`);
  }
  if (grown(start, end) > 0) {
    broken.push(
      `resources grew: ${JSON.stringify(start.resources)} → ${JSON.stringify(end.resources)}, timers ${start.timers} → ${end.timers}, listeners ${start.listeners} → ${end.listeners}`,
    );
  }
  if (end.warnings.length > 0) broken.push(`process warnings: ${end.warnings.join('; ')}`);
  const warmUp = result.windows[0]!;
  if (warmUp.settledTokens < warmUp.settledIdentified * 0.95) {
    broken.push(
      `warm-up: only ${warmUp.settledTokens} of ${warmUp.settledIdentified} users got a token`,
    );
  }
  // Wherever DevRev had time to recover (past the breaker's cool-down), users get tokens again.
  const last = result.windows[result.windows.length - 1]!;
  for (const w of result.windows) {
    const recovered =
      w.name.startsWith('healthy') && w.toMs - w.fromMs >= HOLD.healthyAfterBreakerMs;
    if (!recovered && w !== last) continue;
    if (w.settledIdentified === 0 || w.settledTokens < w.settledIdentified * 0.9) {
      broken.push(
        `${w.name}: ${w.settledTokens} of ${w.settledIdentified} users got a token in its last 3 s`,
      );
    }
  }
  return broken;
}
