#!/usr/bin/env node
// injectIntoResponse in-process, without HTTP: CPU µs per Web Response injected and read to
// its end with a reader, as a server writes it out. A companion to pair.mjs for Hono, to tell
// the injector's own cost from the runtime's Response and stream machinery.
//
//   node bench/web-inject.mjs [--hono] [--core <module>] [case…]
//
// Cases: page (the 10 KB page as a string body, what `c.html(page)` makes), stream (the 2 MB
// page as a web stream of 64 KiB chunks); none given: both. `--hono` first installs
// @hono/node-server's Request and Response globals, as its server does when it starts, so
// that the route's and the injected responses are its lightweight ones. `--core` imports
// `injectIntoResponse` and `createPlugSession` from another build of core, to compare two
// versions: the path of dist/index.js in a copy of an older packages/core (its dist and
// package.json, with a node_modules link to core's). Run the two alternately: on a shared
// machine the figures of one process vary from run to run.
import { parseArgs } from 'node:util';
import { startEmulator } from '@plug-session/emulator';
import { PAGE_2M, PAGE_10K, webStreamPage2M } from './pages.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { hono: { type: 'boolean', default: false }, core: { type: 'string' } },
});
if (args.hono) {
  const { getRequestListener } = await import('@hono/node-server');
  getRequestListener(() => new Response(null));
}
const core = args.core
  ? await import(new URL(args.core, `file://${process.cwd()}/`).href)
  : await import('@plug-session/core');

const HTML = 'text/html; charset=UTF-8';
const emulator = await startEmulator({ appAccessToken: 'bench-aat' });
const engine = core.createPlugSession({
  appAccessToken: 'bench-aat',
  endpoint: emulator.endpoint,
  appId: 'bench-app',
  injectScript: { scriptSrc: emulator.scriptSrc },
  resolveUser: (request) => ({
    user_ref: request.headers.get('x-user'),
    user_traits: { display_name: 'User 17' },
  }),
});

// One identified request's planner (its token cached by this first call), used for every
// response: what is measured is the response's injection, not the engine's resolution.
const request = new Request('http://127.0.0.1/', {
  headers: { accept: 'text/html', 'x-user': 'u17' },
});
const outcome = await engine.handle(request, { method: 'GET', path: '/', shared: request });
if (outcome.kind !== 'proceed' || !outcome.planResponse)
  throw new Error('the bench request got no injection plan');
const { planResponse } = outcome;

/** Reads a body to its end with a reader, as @hono/node-server does; its length in bytes. */
async function drain(body) {
  const reader = body.getReader();
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return length;
    length += value.byteLength;
  }
}

async function time(name, n, op) {
  for (let i = 0; i < Math.ceil(n / 10); i++) await op(); // warm-up: let V8 optimize
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await op();
  const cpu = process.cpuUsage(before);
  console.log(
    `${name.padEnd(48)} ${((cpu.user + cpu.system) / n).toFixed(2).padStart(9)} µs CPU/op`,
  );
}

/** A body stream passed on, chunk for chunk, by one stream read only on demand. */
function passedOn(source) {
  const reader = source.getReader();
  return new ReadableStream(
    {
      async pull(controller) {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** A new Response around `body`, with the original's status and a copy of its headers. */
const remade = (response, body) =>
  new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });

/**
 * Reads `make()`'s response as it is; then a new Response around its body (what any library
 * that hands on a rewritten response pays, before touching a byte); then the same with the
 * body passed on by one stream of its own; then injects and reads that, checking once that
 * the snippet went in. The differences between the lines are what each step costs.
 */
async function measure(name, n, make, pageLength) {
  await time(`${name}, read only`, n, () => drain(make().body));
  await time(`${name}, new Response, same body`, n, () => {
    const response = make();
    return drain(remade(response, response.body).body);
  });
  await time(`${name}, new Response, body passed on`, n, () => {
    const response = make();
    return drain(remade(response, passedOn(response.body)).body);
  });
  // `await`: a promise from this build, a Response from builds before the read-ahead.
  const inject = async () => drain((await core.injectIntoResponse(make(), planResponse)).body);
  const length = await inject();
  if (length <= pageLength) throw new Error(`${name}: no snippet in the output`);
  await time(`${name}, injected`, n, inject);
}

const cases = {
  page: () =>
    measure(
      '10 KB string body',
      20_000,
      () => new Response(PAGE_10K, { headers: { 'content-type': HTML } }),
      Buffer.byteLength(PAGE_10K),
    ),
  stream: () =>
    measure(
      '2 MB web stream',
      300,
      () => new Response(webStreamPage2M(), { headers: { 'content-type': HTML } }),
      PAGE_2M.length,
    ),
};

try {
  console.log(
    `${args.hono ? '@hono/node-server globals' : "Node's Response"}, core ${args.core ?? '(workspace)'}`,
  );
  for (const name of positionals.length > 0 ? positionals : Object.keys(cases)) {
    if (!cases[name])
      throw new Error(`unknown case ${name}; one of ${Object.keys(cases).join(', ')}`);
    await cases[name]();
  }
} finally {
  await engine.close();
  await emulator.close();
}
