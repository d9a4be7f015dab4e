#!/usr/bin/env node
// `pnpm demo` / `npm run demo`: one PLuG emulator (or real DevRev, when DEVREV_AAT and
// PLUG_APP_ID are set) and the Express, Fastify, Koa and Hono examples side by side.
//
//   node examples/demo.mjs [--port-base 3001] [--host 127.0.0.1]
//
// The examples run on port-base, +1, +2, +3 (a free port when one is taken) and the emulator
// on port-base - 1 (the same). Ctrl-C stops everything.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { plugConfigFromEnv } from './shared/config.js';
import { sampleUsersText, stopOnSignals } from './shared/run.js';

const USAGE = 'usage: node examples/demo.mjs [--port-base 3001] [--host 127.0.0.1]';

let args;
try {
  args = parseArgs({
    options: {
      'port-base': { type: 'string', default: process.env.PORT_BASE ?? '3001' },
      host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const portBase = Number(args['port-base']);
if (!Number.isInteger(portBase) || portBase < 2 || portBase > 65532) {
  console.error(`--port-base must be a port number\n${USAGE}`);
  process.exit(2);
}
const host = args.host;

// The demo has no package.json of its own: it borrows the express example's dependency on
// the emulator. Each example app resolves its own framework and adapter.
const { startEmulator } = createRequire(new URL('./express/package.json', import.meta.url))(
  '@plug-session/emulator',
);
const examples = [
  { name: 'Express', module: './express/app.js' },
  { name: 'Fastify', module: './fastify/app.js' },
  { name: 'Koa', module: './koa/app.js' },
  { name: 'Hono', module: './hono/app.js' },
];

/** Runs `start(port)`, and `start(0)` (a free port) when that port is taken. */
async function onPreferredPort(port, start) {
  try {
    return await start(port);
  } catch (error) {
    if (error?.code !== 'EADDRINUSE') throw error;
    return start(0);
  }
}

const stops = [];
const stopAll = async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
};

try {
  const plug = await onPreferredPort(portBase - 1, (port) =>
    plugConfigFromEnv(process.env, {
      startEmulator,
      emulatorPort: port,
      emulatorHost: host,
    }),
  );
  stops.push(() => plug.close());

  const running = [];
  for (const [index, example] of examples.entries()) {
    const { startApp } = await import(example.module);
    const tag = `[${example.name.toLowerCase()}]`;
    const log = {
      info: (message) => console.log(`${tag} ${message}`),
      error: (message) => console.error(`${tag} ${message}`),
    };
    const app = await onPreferredPort(portBase + index, (port) =>
      startApp({ ...plug, log }, { port, host }),
    );
    stops.push(() => app.close());
    running.push({ ...example, url: app.url });
  }

  const width = Math.max(...running.map((r) => r.name.length));
  console.log(`
plug-session demo, with ${plug.description}

${running.map((r) => `  ${r.name.padEnd(width)}  ${r.url}   (single-page view: ${r.url}/spa)`).join('\n')}

Sign in at <url>/signin as one of the sample users and watch the widget in the corner:
${sampleUsersText()}

Reasons for a missing token (like dana's invalid traits) are logged below.
Ctrl-C stops the demo.
`);
} catch (error) {
  await stopAll();
  console.error(`The demo could not start: ${error.message}`);
  process.exit(1);
}

stopOnSignals(stopAll);
