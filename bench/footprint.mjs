#!/usr/bin/env node
// What plug-session costs in memory, step by step, in a fresh process with nothing else loaded:
// importing core, creating the engine (undici's Pool loads), the first token (the first
// connection instantiates undici's HTTP parser, a WebAssembly module), 100 then 1000 users'
// tokens (the second step is what a cached user holds; the first is mostly warm-up).
// `node bench/footprint.mjs` (after `pnpm build`). The emulator runs in this process; the
// measured process is a child, so that the emulator's memory is not counted.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MB = 1024 * 1024;
const snapshot = (step) => {
  globalThis.gc?.(); // what is held, not what awaits collection
  const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
  return { step, rss, heapTotal, heapUsed, external };
};

async function measure(endpoint) {
  const steps = [snapshot('node, nothing loaded')];
  const { createPlugSession } = await import('@plug-session/core');
  steps.push(snapshot('core imported'));
  const engine = createPlugSession({
    appAccessToken: 'bench-aat',
    endpoint,
    resolveUser: (id) => ({ user_ref: id }),
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // the Pool's modules load meanwhile
  steps.push(snapshot('engine created (undici Pool loaded)'));
  await engine.resolve('u0');
  steps.push(snapshot('first token minted (HTTP parser instantiated)'));
  for (let i = 1; i < 100; i++) await engine.resolve(`u${i}`);
  steps.push(snapshot('100 users, 100 tokens cached'));
  for (let i = 100; i < 1000; i++) await engine.resolve(`u${i}`);
  steps.push(snapshot('1000 users, 1000 tokens cached'));
  await engine.close();
  return steps;
}

if (process.argv[2] === '--child') {
  process.send(await measure(process.argv[3]));
  process.exit(0);
}

const { startEmulator } = await import('@plug-session/emulator');
const emulator = await startEmulator({ appAccessToken: 'bench-aat' });
const child = fork(fileURLToPath(import.meta.url), ['--child', emulator.endpoint], {
  execArgv: ['--expose-gc'],
});
const steps = await new Promise((resolve, reject) => {
  child.once('message', resolve);
  child.once('exit', (code) => reject(new Error(`the measured process exited (${code})`)));
});
await emulator.close();
const fmt = (bytes) => (bytes / MB).toFixed(1).padStart(6);
console.log('| step | RSS (MB) | Δ | heap used (MB) | Δ | heap total (MB) | external (MB) |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
steps.forEach((s, i) => {
  const before = steps[Math.max(0, i - 1)];
  console.log(
    `| ${s.step} | ${fmt(s.rss)} | ${fmt(s.rss - before.rss)} | ${fmt(s.heapUsed)} | ${fmt(s.heapUsed - before.heapUsed)} | ${fmt(s.heapTotal)} | ${fmt(s.external)} |`,
  );
});
