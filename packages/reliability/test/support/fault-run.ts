import type { Driver, RunningApp } from '@plug-session/conformance';
import type { PlugSessionError } from '@plug-session/core';
import { bytes, echoRoute, htmlRoute, PAGE } from '../../../conformance/src/support/pages.js';
import { resolverFor } from '../../../conformance/src/support/users.js';
// The reporter every adapter falls back on without onError: its lines are what users' logs get.
import { createDefaultReporter } from '../../../core/src/engine/default-reporter.js';
import { type AppFacts, Evidence } from './evidence.js';
import type { FaultScenario, Upstream } from './fault-scenarios.js';
import { maxOf, runLoad, type Sample, type Shot, shoot } from './load.js';
import { AAT, APP_ID, BREAKER, MARGIN_MS, TIMEOUT_MS } from './setup.js';

/** The load of every fault scenario. */
export const LOAD = {
  /** Clients in flight at once while the fault lasts. */
  concurrency: 20,
  /** Clients in flight at once for the warm-up and after recovery. */
  burst: 10,
  /** Requests while the fault lasts. */
  requests: 200,
  /** Users who got a token before the fault, and ask again during it (cache hits). */
  warmUsers: 20,
  /** New users after recovery, who must all get a token at once. */
  afterUsers: 20,
} as const;

/** What one scenario measured; every `problems` entry is a broken promise. */
export interface FaultResult {
  adapter: string;
  scenario: string;
  problems: string[];
  problemCount: number;
  requests: number;
  worstMs: number;
  limitMs: number;
  /** Upstream calls while the fault lasted, and what the rules allow. */
  calls: number;
  callBound: number;
  /** Token requests that went for DevRev (not stopped by the breaker or a pause), and the bound. */
  tried: number;
  triedBound: number;
  /** The most calls made for one user (one missing token) while the fault lasted. */
  maxCallsPerUser: number;
  attempts: number;
  /** Cache hits during the fault: users who had a token before it got it again. */
  cachedServed: number;
  cachedAsked: number;
  breakerOpened: boolean;
  /** From the fault's end to the first new token. */
  recoveryMs: number | undefined;
  /** How long of that the breaker still had to stay open. */
  coolDownLeftMs: number;
  callsToRecover: number;
  /** New users right after recovery who got a token. */
  afterServed: number;
  errors: number;
  codes: Record<string, number>;
}

const ROUTES = [htmlRoute('/page', 'string'), htmlRoute('/stream', 'stream'), echoRoute('/echo')];
const PATHS = ['/page', '/stream', '/echo'];
const ORIGINAL = bytes(PAGE);
// The fast failures name the end of the window in which no call may be made.
const BREAKER_UNTIL = /circuit breaker in front of DevRev is open .*until (\S+?Z)/;
const PAUSED_UNTIL = /calls to DevRev are paused until (\S+?Z)/;
const FAST_FAIL = /circuit breaker in front of DevRev|calls to DevRev are paused/;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A semaphore: at most `n` scenarios drive load at once, so their latencies stay honest. */
export function slots(n: number) {
  let free = n;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

/**
 * One fault against one adapter, over real sockets:
 * 1. warm-up: `warmUsers` users get a token (one call each);
 * 2. the fault, for `phaseMs`, under `requests` paced requests by `concurrency` clients: warm
 *    users (their cached token must keep coming), new users and anonymous visitors, on a
 *    string page, a streamed page and the echo route;
 * 3. the fault ends: one new user asks every 200 ms until a token comes back;
 * 4. `afterUsers` new users ask at once and must all get a token.
 * Every answer is judged (page bytes, snippet, whose token, no AAT), every `onError` error
 * dumped and searched, and the calls counted per phase.
 */
export async function runFaultScenario(
  driver: Driver,
  scenario: FaultScenario,
  upstream: Upstream,
  withLoadSlot: <T>(work: () => Promise<T>) => Promise<T>,
  logSink: (line: string) => void,
): Promise<FaultResult> {
  const evidence = new Evidence();
  const errorsByRequest = new Map<string, PlugSessionError[]>();
  const codes: Record<string, number> = {};
  const report = createDefaultReporter<unknown>((message) => console.warn(message));
  const logged = new Set<string>();
  const app: RunningApp = await driver.start({
    routes: ROUTES,
    log: logSink,
    options: {
      appAccessToken: AAT,
      endpoint: upstream.endpoint,
      appId: APP_ID,
      injectScript: { scriptSrc: upstream.emu.scriptSrc },
      timeoutMs: TIMEOUT_MS,
      resolveUser: resolverFor((req) => driver.header(req, 'x-user'), []),
      onError: (error, req) => {
        evidence.error(error);
        codes[error.code] = (codes[error.code] ?? 0) + 1;
        const id = driver.header(req, 'x-req') ?? '?';
        errorsByRequest.set(id, [...(errorsByRequest.get(id) ?? []), error]);
        // As an app's logger would: the default one-line warning, and the whole error object
        // (stack, cause) the first time a code shows up.
        report(error, req);
        if (!logged.has(error.code)) console.warn('plug-session failure', error);
        logged.add(error.code);
      },
    },
  });
  const facts: AppFacts = {
    scriptSrc: upstream.emu.scriptSrc,
    routes: {
      '/page': { kind: 'page', original: ORIGINAL },
      '/stream': { kind: 'page', original: ORIGINAL },
      '/echo': { kind: 'echo' },
    },
    genuine: (token) => upstream.genuine(token),
  };
  const all: Sample[] = [];
  const judged = new Map<string, string | undefined>();
  // Judged once a phase is over, so that judging does not slow the requests it times.
  const judgeAll = (samples: readonly Sample[]) => {
    for (const sample of samples) {
      all.push(sample);
      judged.set(sample.id, evidence.reply(sample, facts).token);
    }
    return samples;
  };
  const tokenOf = (sample: Sample) => judged.get(sample.id);
  const warm = Array.from({ length: LOAD.warmUsers }, (_, i) => `u-${i + 1}`);

  try {
    // 1. Warm-up.
    const before = upstream.callCount;
    const warmed = judgeAll(
      await withLoadSlot(() =>
        runLoad(
          app.url,
          warm.map((user) => ({ path: '/page', user })),
          { concurrency: LOAD.burst },
        ),
      ),
    );
    if (warmed.some((s) => tokenOf(s) === undefined))
      evidence.problem('warm-up: a user got no token');
    if (upstream.callCount - before !== warm.length) {
      evidence.problem(`warm-up: ${upstream.callCount - before} calls for ${warm.length} users`);
    }

    // 2. The fault, under load.
    const shots: Shot[] = Array.from({ length: LOAD.requests }, (_, i) => {
      const path = PATHS[i % 3]!;
      const mix = i % 10;
      if (mix < 3) return { path, user: warm[i % warm.length] };
      if (mix < 8) return { path, user: `u-${1000 + i}` };
      return { path };
    });
    const callsBefore = upstream.callCount;
    let faultStarted = Date.now();
    const phase = await withLoadSlot(async () => {
      faultStarted = Date.now();
      const stop = await scenario.start(upstream);
      const samples = await runLoad(app.url, shots, {
        concurrency: LOAD.concurrency,
        spreadMs: scenario.phaseMs,
      });
      // Nothing of the phase is still on its way: every token request ends with its page.
      await sleep(300);
      return { samples: judgeAll(samples), stop };
    });
    const calls = upstream.callCount - callsBefore;

    // Per request: onError once for a user left without a token, never otherwise.
    let cachedServed = 0;
    let cachedAsked = 0;
    let tried = 0;
    const fresh = new Map<string, Sample>();
    for (const sample of phase.samples) {
      const errors = errorsByRequest.get(sample.id) ?? [];
      const token = tokenOf(sample);
      const identified = sample.user !== undefined;
      if (identified && token === undefined && errors.length !== 1) {
        evidence.problem(`${sample.user}: ${errors.length} onError calls for one failed request`);
      }
      if ((token !== undefined || !identified) && errors.length > 0) {
        evidence.problem(
          `${sample.user ?? 'anonymous'}: onError without a failure (${errors[0]!.code})`,
        );
      }
      if (sample.user !== undefined && warm.includes(sample.user)) {
        cachedAsked += 1;
        if (token !== undefined) cachedServed += 1;
      } else if (identified) {
        fresh.set(sample.user!, sample);
        if (token !== undefined || errors.some((e) => !FAST_FAIL.test(e.message))) tried += 1;
      }
    }
    if (cachedServed !== cachedAsked) {
      evidence.problem(`cached tokens served to ${cachedServed} of ${cachedAsked} warm requests`);
    }

    // No call for a request that came while the breaker was open, or while calls were paused.
    const openUntil = new Set<number>();
    const windows = new Map<number, number>();
    for (const errors of errorsByRequest.values()) {
      for (const error of errors) {
        const open = BREAKER_UNTIL.exec(error.message)?.[1];
        if (open) openUntil.add(Date.parse(open));
        if (open) windows.set(Date.parse(open), BREAKER.openMs);
        const paused = PAUSED_UNTIL.exec(error.message)?.[1];
        if (paused && scenario.mints.kind === 'pause') {
          windows.set(Date.parse(paused), scenario.mints.pauseMs);
        }
      }
    }
    // A request's token request was admitted between its start and its answer: when all of
    // that lies inside a window, it must not have gone to DevRev.
    const whileOpen = (s: Sample) =>
      [...windows].some(
        ([until, length]) => s.started > until - length + 20 && s.started + s.ms < until - 20,
      );
    for (const sample of fresh.values()) {
      if (!whileOpen(sample)) continue;
      const errors = errorsByRequest.get(sample.id) ?? [];
      if (tokenOf(sample) !== undefined || errors.some((e) => !FAST_FAIL.test(e.message))) {
        evidence.problem(`${sample.user} went to DevRev while calls were stopped`);
      }
    }
    const callsPerUser = new Map<unknown, number>();
    for (const call of upstream.calls()) {
      if (call.at < faultStarted) continue;
      callsPerUser.set(call.user, (callsPerUser.get(call.user) ?? 0) + 1);
      const sample = fresh.get(String(call.user));
      if (sample && whileOpen(sample)) {
        evidence.problem(`a call for ${String(call.user)}, who came while calls were stopped`);
      }
    }
    const maxCallsPerUser = maxOf(callsPerUser.values());
    if (maxCallsPerUser > scenario.attempts) {
      evidence.problem(
        `${maxCallsPerUser} calls for one missing token (at most ${scenario.attempts})`,
      );
    }
    const freshAsked = fresh.size;
    const triedBound =
      scenario.mints.kind === 'breaker'
        ? LOAD.concurrency + BREAKER.failureThreshold
        : scenario.mints.kind === 'pause'
          ? LOAD.concurrency * (1 + Math.ceil(scenario.phaseMs / scenario.mints.pauseMs))
          : freshAsked;
    const callBound = scenario.attempts * Math.min(triedBound, freshAsked);
    if (calls > callBound)
      evidence.problem(`${calls} calls during the fault (at most ${callBound})`);
    if (tried > Math.min(triedBound, freshAsked)) {
      evidence.problem(`${tried} token requests went for DevRev (at most ${triedBound})`);
    }
    if (scenario.opensBreaker && openUntil.size === 0) evidence.problem('the breaker never opened');

    // 3. Recovery: the fault ends; one new user every 200 ms until a token comes back.
    await phase.stop();
    const cleared = Date.now();
    const callsAtClear = upstream.callCount;
    const lastUntil = Math.max(0, ...openUntil);
    const coolDownLeftMs = Math.max(0, lastUntil - cleared);
    let recoveryMs: number | undefined;
    for (let k = 0; Date.now() - cleared < coolDownLeftMs + TIMEOUT_MS + 10_000; k++) {
      const sample = await shoot(app.url, { path: '/echo', user: `u-${9000 + k}` });
      judgeAll([sample]);
      if (tokenOf(sample) !== undefined) {
        recoveryMs = Date.now() - cleared;
        break;
      }
      await sleep(200);
    }
    const callsToRecover = upstream.callCount - callsAtClear;
    if (recoveryMs === undefined) evidence.problem('no token came back after the fault ended');
    else if (recoveryMs > coolDownLeftMs + TIMEOUT_MS + 4000) {
      evidence.problem(
        `a token came back ${recoveryMs} ms after the fault (cool-down left ${coolDownLeftMs} ms)`,
      );
    }
    if (callsToRecover > 2)
      evidence.problem(`${callsToRecover} calls to recover (one probe expected)`);

    // 4. Everyone gets a token again.
    const after = judgeAll(
      await withLoadSlot(() =>
        runLoad(
          app.url,
          [
            ...Array.from({ length: LOAD.afterUsers }, (_, i) => ({
              path: PATHS[i % 3]!,
              user: `u-${20_000 + i}`,
            })),
            ...warm.map((user) => ({ path: '/page', user })),
          ],
          { concurrency: LOAD.burst },
        ),
      ),
    );
    const afterServed = after.filter((s) => tokenOf(s) !== undefined).length;
    if (afterServed !== after.length) {
      evidence.problem(`after recovery, ${afterServed} of ${after.length} users got a token`);
    }

    const limitMs = TIMEOUT_MS + MARGIN_MS;
    const worstMs = maxOf(all.map((s) => s.ms));
    for (const slow of all.filter((s) => s.ms > limitMs).slice(0, 5)) {
      const codes = (errorsByRequest.get(slow.id) ?? []).map((e) => e.code).join(',');
      evidence.problem(
        `${slow.path} as ${slow.user ?? 'anonymous'} took ${Math.round(slow.ms)} ms (limit ${limitMs}; ` +
          `started ${slow.started - faultStarted} ms into the fault; ${codes || 'no error'})`,
      );
    }
    return {
      adapter: driver.name,
      scenario: scenario.name,
      problems: evidence.problems,
      problemCount: evidence.problemCount,
      requests: all.length,
      worstMs,
      limitMs,
      calls,
      callBound,
      tried,
      triedBound: Math.min(triedBound, freshAsked),
      maxCallsPerUser,
      attempts: scenario.attempts,
      cachedServed,
      cachedAsked,
      breakerOpened: openUntil.size > 0,
      recoveryMs,
      coolDownLeftMs,
      callsToRecover,
      afterServed,
      errors: evidence.errors,
      codes,
    };
  } finally {
    await app.close();
  }
}
