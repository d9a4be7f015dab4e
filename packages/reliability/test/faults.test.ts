import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../conformance/src/support/logs.js';
import { Evidence } from './support/evidence.js';
import { type FaultResult, LOAD, runFaultScenario, slots } from './support/fault-run.js';
import { faultScenarios, Upstream } from './support/fault-scenarios.js';
import { ADAPTERS } from './support/setup.js';
import { createSummary, ms } from './support/summary.js';

/** The CI outage; `pnpm soak` runs the full 30 s one. */
const OUTAGE_MS = 5000;
const SCENARIOS = faultScenarios(OUTAGE_MS);
const summary = createSummary('faults');
const runs = new Map<string, Promise<FaultResult | Error>>();
let logs: LogCapture;
// How long this process (servers, emulators and clients alike) could not run at all.
const stalls = monitorEventLoopDelay({ resolution: 10 });

// Every scenario starts at once and waits for a load slot: the breaker's 10 s cool-downs
// overlap instead of adding up, while at most two scenarios drive load at a time.
beforeAll(() => {
  logs = captureLogs();
  stalls.enable();
  const withLoadSlot = slots(2);
  for (const scenario of SCENARIOS) {
    for (const driver of ADAPTERS) {
      const run = async () => {
        const upstream = await Upstream.start();
        try {
          return await runFaultScenario(driver, scenario, upstream, withLoadSlot, logs.sink);
        } finally {
          await upstream.close();
        }
      };
      runs.set(
        `${driver.name} ${scenario.name}`,
        run().catch((error: Error) => error),
      );
    }
  }
});

afterAll(async () => {
  await Promise.all(runs.values());
  logs.restore();
  summary.print();
});

async function resultOf(key: string): Promise<FaultResult> {
  const result = await runs.get(key)!;
  if (result instanceof Error) throw result;
  const { cachedServed, cachedAsked, recoveryMs, coolDownLeftMs } = result;
  summary.add({
    scenario: key,
    requests: result.requests,
    worstMs: ms(result.worstMs),
    limitMs: result.limitMs,
    calls: result.calls,
    callBound: result.callBound,
    tried: result.tried,
    triedBound: result.triedBound,
    perUser: `${result.maxCallsPerUser}/${result.attempts}`,
    cached: `${cachedServed}/${cachedAsked}`,
    breaker: result.breakerOpened,
    recoveryMs,
    coolDownLeftMs,
    recoverCalls: result.callsToRecover,
    after: `${result.afterServed}/${LOAD.afterUsers + LOAD.warmUsers}`,
    errors: result.errors,
    problems: result.problemCount,
  });
  return result;
}

for (const driver of ADAPTERS) {
  describe(`${driver.name} under DevRev faults (${LOAD.concurrency} clients)`, () => {
    for (const scenario of SCENARIOS) {
      it(`${driver.name}: serves every page whole within the budget, bounds its calls and recovers when ${scenario.what}`, async () => {
        const result = await resultOf(`${driver.name} ${scenario.name}`);
        expect(result.problems, `${result.problemCount} problems`).toEqual([]);
        expect(result.worstMs).toBeLessThanOrEqual(result.limitMs);
        expect(result.calls).toBeLessThanOrEqual(result.callBound);
        expect(result.maxCallsPerUser).toBeLessThanOrEqual(scenario.attempts);
        expect(result.cachedServed).toBe(result.cachedAsked);
        // Faults that fail every call must open the breaker (others may, on a starved machine).
        if (scenario.opensBreaker) expect(result.breakerOpened).toBe(true);
        expect(result.recoveryMs).toBeDefined();
        expect(result.afterServed).toBe(LOAD.afterUsers + LOAD.warmUsers);
      });
    }
  });
}

it('writes the AAT in no log line of any fault scenario (console, streams, framework loggers)', async () => {
  await Promise.all(runs.values());
  const evidence = new Evidence();
  evidence.logs(logs.lines);
  expect(evidence.logLines).toBeGreaterThan(100);
  expect(evidence.problems).toEqual([]);
  stalls.disable();
  summary.add({ scenario: 'log lines searched for the AAT', lines: evidence.logLines });
  summary.add({
    scenario: 'event-loop stalls of the test process',
    maxMs: ms(stalls.max / 1e6),
    p99Ms: ms(stalls.percentile(99) / 1e6),
  });
});
