#!/usr/bin/env node
// The engine's hot paths in-process, without HTTP: CPU µs per operation. A companion to
// run.mjs for finding where the time goes (`node --cpu-prof bench/micro.mjs resolve`, then
// `node bench/profile.mjs CPU.*.cpuprofile`). Cases: resolve (cached token), open (breaker
// open, every user new), inject (10 KB body at once), stream (2 MB page in 64 KiB chunks),
// snippet; none given: all.
import {
  createHtmlInjector,
  createPlugSession,
  injectHtml,
  renderSnippet,
} from '@plug-session/core';
import { startEmulator } from '@plug-session/emulator';
import { CHUNK, PAGE_2M, PAGE_10K } from './pages.mjs';

const emulator = await startEmulator({ appAccessToken: 'bench-aat' });
const revInfoOf = (id) => ({ user_ref: id, user_traits: { display_name: `User ${id.slice(1)}` } });
const engineOptions = {
  appAccessToken: 'bench-aat',
  endpoint: emulator.endpoint,
  resolveUser: revInfoOf,
};
const users = Array.from({ length: 100 }, (_, i) => `u${i}`);
const snippet = Buffer.from(
  renderSnippet({
    scriptSrc: emulator.scriptSrc,
    appId: 'bench-app',
    sessionToken: 'x'.repeat(400),
  }),
  'latin1',
);
const page = Buffer.from(PAGE_10K);

async function time(name, n, op) {
  for (let i = 0; i < Math.ceil(n / 10); i++) await op(i); // warm-up: let V8 optimize
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await op(i);
  const cpu = process.cpuUsage(before);
  console.log(
    `${name.padEnd(44)} ${((cpu.user + cpu.system) / n).toFixed(2).padStart(9)} µs CPU/op`,
  );
}

const cases = {
  async resolve() {
    const engine = createPlugSession(engineOptions);
    for (const id of users) await engine.resolve(id);
    await time('resolve, cached token', 200_000, (i) => engine.resolve(users[i % 100]));
    await engine.close();
  },
  async open() {
    emulator.setFault({ type: 'hang' });
    const engine = createPlugSession({
      ...engineOptions,
      timeoutMs: 500,
      onError: () => undefined,
    });
    await Promise.all(users.slice(0, 10).map((id) => engine.resolve(id))); // opens the breaker
    await time('resolve, breaker open, new user each time', 20_000, (i) => engine.resolve(`n${i}`));
    await engine.close();
    emulator.setFault(undefined);
  },
  async inject() {
    await time('injectHtml, 10 KB Buffer', 50_000, () =>
      injectHtml(page, snippet, emulator.scriptSrc),
    );
  },
  async stream() {
    await time('2 MB page through the streaming injector', 300, () => {
      const injector = createHtmlInjector(snippet, emulator.scriptSrc);
      for (let at = 0; at < PAGE_2M.length; at += CHUNK)
        injector.push(PAGE_2M.subarray(at, at + CHUNK));
      injector.flush();
    });
  },
  async snippet() {
    const input = {
      scriptSrc: emulator.scriptSrc,
      appId: 'bench-app',
      sessionToken: 'x'.repeat(400),
    };
    await time('renderSnippet', 200_000, () => renderSnippet(input));
  },
};

try {
  const chosen = process.argv.slice(2);
  for (const name of chosen.length > 0 ? chosen : Object.keys(cases)) {
    if (!cases[name])
      throw new Error(`unknown case ${name}; one of ${Object.keys(cases).join(', ')}`);
    await cases[name]();
  }
} finally {
  await emulator.close();
}
