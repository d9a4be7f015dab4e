#!/usr/bin/env node
// `pnpm soak [--minutes 3] [--outage-seconds 30] [--rate 80]`: the long soak, outside the test
// suite. Builds the bundles, runs the soak, prints what it measured, exits 1 if a promise broke.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSoak } from './build.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    'outage-seconds': { type: 'string', default: '30' },
    rate: { type: 'string', default: '80' },
  },
});
const minutes = Number(values.minutes);
const outageMs = Number(values['outage-seconds']) * 1000;
const rate = Number(values.rate);
if (!(minutes > 0) || !(outageMs >= 0) || !(rate > 0)) {
  console.error('usage: node soak/run.mjs [--minutes 3] [--outage-seconds 30] [--rate 80]');
  process.exit(2);
}

const bundles = await buildSoak();
const { runSoak, judgeSoak, mb } = await import(pathToFileURL(bundles.driver).href);
const result = await runSoak({
  minutes,
  outageMs,
  rate,
  serverPath: bundles.server,
  log: (line) => console.log(line),
});

const { start, warm, end } = result;
console.log(
  '\nwindow                              requests  tokens/identified  settled   worst ms  calls',
);
for (const w of result.windows) {
  const name = `${w.name} (${Math.round(w.fromMs / 1000)}-${Math.round(w.toMs / 1000)} s)`;
  console.log(
    `${name.padEnd(36)}${String(w.requests).padStart(8)}  ${`${w.tokens}/${w.identified}`.padStart(17)}  ${`${w.settledTokens}/${w.settledIdentified}`.padStart(8)}  ${String(Math.round(w.worstMs)).padStart(8)}  ${String(w.calls).padStart(5)}`,
  );
}
const heaps = result.series.map((s) => s.heapUsed);
const rsss = result.series.map((s) => s.rss);
console.log(`
requests        ${result.requests} (worst ${Math.round(result.worstMs)} ms; limit ${result.limitMs} ms)
upstream calls  ${result.upstreamCalls}
heap used (MB)  start ${mb(start.memory.heapUsed)}, after warm-up ${mb(warm.memory.heapUsed)}, max ${mb(Math.max(...heaps))}, end ${mb(end.memory.heapUsed)}
rss (MB)        start ${mb(start.memory.rss)}, after warm-up ${mb(warm.memory.rss)}, max ${mb(Math.max(...rsss))}, end ${mb(end.memory.rss)}
resources       start ${JSON.stringify(start.resources)}
                end   ${JSON.stringify(end.resources)}
timers          start ${start.timers}, max under load ${Math.max(...result.series.map((s) => s.timers))}, end ${end.timers} (live, unref'd included)
sockets         start ${start.resources.TCPSocketWrap ?? 0}, max under load ${Math.max(...result.series.map((s) => s.sockets))}, end ${end.resources.TCPSocketWrap ?? 0}
listeners       start ${start.listeners}, end ${end.listeners}
onError codes   ${JSON.stringify(end.errors)}`);
const broken = judgeSoak(result);
if (broken.length > 0) {
  console.log(`\nFAILED:\n- ${broken.join('\n- ')}`);
  process.exit(1);
}
console.log(
  '\nsoak passed: every answer whole, memory and resources bounded, tokens back after every fault',
);
