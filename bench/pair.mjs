#!/usr/bin/env node
// A paired check of a few 10 KB configurations of one framework, for deciding whether a change
// or a miss is real: `node bench/pair.mjs koa bare,noop,plug [rounds] [seconds]` (after
// `pnpm build`). The servers stay up together; each round measures each configuration once,
// in rotating order, and the figure kept is the server's own CPU time per request, which
// depends less than req/s on what else the machine is doing. Prints, per configuration, the
// median and every round's µs per request, and the rounds' ratios against the first one.
import { parseArgs } from 'node:util';
import { startEmulator } from '@plug-session/emulator';
import { mountsPlugSession, SCENARIOS } from './apps.mjs';
import { coreLayout, serverStarter, startLoad } from './procs.mjs';
import { median, quartiles } from './report.mjs';
import { measure, rotated, warmCache } from './suites.mjs';

const { positionals } = parseArgs({ allowPositionals: true });
const [framework = 'express', list = 'bare,plug', roundsArg = '8', secondsArg = '2'] = positionals;
const scenarios = list.split(',');
const rounds = Number(roundsArg);
const seconds = Number(secondsArg);
for (const scenario of scenarios) {
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${scenario}`);
}
if (!(rounds >= 1 && seconds > 0)) throw new Error('rounds must be ≥ 1 and seconds > 0');

const layout = coreLayout(true);
const emulator = await startEmulator({ appAccessToken: 'bench-aat' });
const load = await startLoad(layout.load);
const ctx = { emulator, load, log: (line) => process.stderr.write(`${line}\n`) };
const start = serverStarter({ emulator, core: layout.server });
const servers = [];
try {
  for (const scenario of scenarios) {
    servers.push({ scenario, server: await start(framework, scenario), cpu: [] });
  }
  for (const { scenario, server } of servers) {
    if (mountsPlugSession(scenario)) await warmCache(ctx, server.url);
  }
  // Round 0 warms the JIT and is not kept.
  for (let round = 0; round <= rounds; round++) {
    for (const entry of rotated(servers, round)) {
      const duration = round === 0 ? 2 : seconds;
      const spec = { path: '/', connections: 50, duration };
      const { cpuPerRequest } = await measure(ctx, entry.server, spec);
      if (round > 0) entry.cpu.push(cpuPerRequest);
    }
  }
  const base = servers[0];
  for (const { scenario, cpu } of servers) {
    const ratios = cpu.map((x, i) => base.cpu[i] / x);
    const [low, high] = quartiles(ratios);
    const each = cpu.map((x) => x.toFixed(0)).join(' ');
    console.log(
      `${framework} ${scenario.padEnd(10)} ${median(cpu).toFixed(1)} µs/req  (rounds: ${each})  ${base.scenario}/this ${median(ratios).toFixed(3)} (middle half ${low.toFixed(3)} – ${high.toFixed(3)})`,
    );
  }
} finally {
  await Promise.all(servers.map(({ server }) => server.stop()));
  load.stop();
  await emulator.close();
}
