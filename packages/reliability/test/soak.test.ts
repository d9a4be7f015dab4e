import { describe, expect, it } from 'vitest';
import { buildSoak } from '../soak/build.mjs';
import { HEAP_MARGIN, judgeSoak, mb, runSoak } from '../soak/soak.js';
import { createSummary, ms } from './support/summary.js';

const summary = createSummary('soak');

// The suite's version of `pnpm soak`: 30 s instead of minutes, one breaker-opening fault and
// two milder ones instead of the whole list, no 30 s outage (faults.test.ts has a 5 s one).
describe('a 30-second soak (pnpm soak runs the long one)', () => {
  it('keeps every answer whole and the server bounded in heap, RSS, sockets, timers and listeners', async () => {
    const { server } = await buildSoak();
    const result = await runSoak({
      minutes: 0.5,
      serverPath: server,
      outageMs: 0,
      faultMs: 3000,
      warmMs: 6000,
      rate: 60,
    });
    const { start, warm, end } = result;
    summary.add({
      scenario: '30 s soak, 3 apps in a child with --expose-gc',
      requests: result.requests,
      windows: result.windows.map((w) => `${w.name}:${w.tokens}/${w.identified}`).join(','),
      worstAfterWarmUpMs: ms(Math.max(...result.windows.slice(1).map((w) => w.worstMs))),
      upstreamCalls: result.upstreamCalls,
      heapMB: `${mb(start.memory.heapUsed)}→${mb(warm.memory.heapUsed)}→${mb(end.memory.heapUsed)}`,
      rssMB: `${mb(start.memory.rss)}→${mb(warm.memory.rss)}→${mb(end.memory.rss)}`,
      resources: `${JSON.stringify(start.resources)}→${JSON.stringify(end.resources)}`,
      timers: `${start.timers}→${Math.max(...result.series.map((s) => s.timers))}→${end.timers}`,
      sockets: `${start.resources.TCPSocketWrap ?? 0}→${Math.max(...result.series.map((s) => s.sockets))}→${end.resources.TCPSocketWrap ?? 0}`,
      listeners: `${start.listeners}→${end.listeners}`,
      problems: result.problemCount,
    });
    summary.print();
    expect(judgeSoak(result)).toEqual([]);
    expect(end.memory.heapUsed).toBeLessThanOrEqual(warm.memory.heapUsed + HEAP_MARGIN);
    expect(result.requests).toBeGreaterThan(1000);
  });
});
