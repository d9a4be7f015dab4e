#!/usr/bin/env node
// The runtime check: the same small Hono app (app.mjs) on Node, Bun, Deno and workerd (through
// Miniflare, no compatibility flags), each against fresh emulators as DevRev.
//
//   node packages/hono/runtimes/check.mjs node bun deno workerd
//
// Bun (`bun@1`), Deno (`deno@2`) and Node 22 for Miniflare come from npm through `npx -y`;
// Miniflare itself from MINIFLARE_PREFIX (see runtimes.mjs). Needs the packages built.

import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@plug-session/emulator';
import { checkApp, checkRefreshAhead } from './checks.mjs';
import { startChildApp } from './child-app.mjs';
import { RUNTIMES } from './runtimes.mjs';

const TIMEOUT_MS = 1000;
const APP_ID = 'runtime-check-app';
// Short enough for the check to see a token refreshed ahead and then expire, long enough that
// its refresh window (from 80 % of the lifetime to the last tenth) is wider than a request.
const SHORT_TTL_SECONDS = 8;
const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url));

/** The two builds of @plug-session/core, as files: `web` for Workers, Bun and Deno. */
function coreBuilds() {
  const require = createRequire(import.meta.url);
  const root = dirname(realpathSync(require.resolve('@plug-session/core/package.json')));
  const exports = require('@plug-session/core/package.json').exports['.'];
  const file = (target) => {
    const path = typeof target === 'string' ? target : target?.default;
    return path === undefined ? undefined : join(root, path);
  };
  return { web: file(exports.workerd), node: file(exports.import) };
}

/** The build of core a runtime said it loaded (`core entry: <url>`), as a real path. */
function coreEntryIn(output) {
  const match = /core entry: (\S+)/.exec(output);
  return match ? realpathSync(fileURLToPath(match[1])) : undefined;
}

/**
 * Starts an emulator and the app on the runtime, runs `checks` against them, stops both, and
 * checks that the AAT appears in no response (`checks` returns them all) and nowhere the
 * runtime wrote. Returns the runtime's output.
 */
async function withApp({ launch, aat, ttlSeconds, failure }, checks) {
  const ttl = ttlSeconds === undefined ? {} : { tokenTtlSeconds: ttlSeconds };
  const emulator = await startEmulator({ appAccessToken: aat, ...ttl });
  const env = {
    DEVREV_AAT: aat,
    DEVREV_ENDPOINT: emulator.endpoint,
    PLUG_SCRIPT_SRC: emulator.scriptSrc,
    PLUG_APP_ID: APP_ID,
    PLUG_TIMEOUT_MS: String(TIMEOUT_MS),
  };
  let app;
  try {
    app = await startChildApp(launch, env);
    failure.output = app.output;
    const transcript = await checks(app, emulator);
    if (transcript.includes(aat)) throw new Error('the AAT appears in a response');
    await app.stop();
    const output = app.output();
    if (output.includes(aat)) throw new Error("the AAT appears in the runtime's output");
    return output;
  } catch (error) {
    failure.output ??= () => error.output ?? '';
    throw error;
  } finally {
    await app?.stop();
    await emulator.close();
  }
}

/** Checks the app on one runtime; returns false, with the runtime's output, when it fails. */
async function checkRuntime(name) {
  const passed = (what) => console.log(`  ✓ ${what}`);
  const aat = `runtime-check-aat-${randomUUID()}`;
  const failure = {};
  let launch;
  try {
    launch = await RUNTIMES[name]();
    console.log(`› ${name}: ${launch.version}`);
    const builds = coreBuilds();
    const expectedCore = name === 'node' ? builds.node : builds.web;
    if (expectedCore === undefined) throw new Error("core's package.json names no build for it");
    if (launch.bundled) {
      const core = launch.bundled
        .filter((file) => file.includes('/core/'))
        .map((file) => relative(REPOSITORY, file));
      if (!launch.bundled.some((file) => realpathSync(file) === expectedCore)) {
        throw new Error(`the Worker bundle lacks core's web build: ${core.join(', ')}`);
      }
      passed(`bundled for Workers with core's web build (${core.join(', ')}), no Node built-in`);
    }

    const output = await withApp({ launch, aat, failure }, async (app, emulator) => {
      const loaded = coreEntryIn(app.output());
      if (loaded !== undefined) {
        if (loaded !== expectedCore)
          throw new Error(`loaded core from ${loaded}, not ${expectedCore}`);
        passed(`resolved @plug-session/core to its ${name === 'node' ? 'Node' : 'web'} build`);
      }
      return checkApp({
        url: app.url,
        emulator,
        scriptSrc: emulator.scriptSrc,
        appId: APP_ID,
        timeoutMs: TIMEOUT_MS,
        userAgent: launch.userAgent,
        passed,
      });
    });
    passed('the AAT appears in no response (status, headers, body)');
    for (const code of ['TIMEOUT', 'UPSTREAM_UNAVAILABLE']) {
      if (!output.includes(`[plug-session] ${code}`)) {
        throw new Error(`no [plug-session] ${code} warning in the runtime's output`);
      }
    }
    passed("the failures were reported on the runtime's console, and the AAT is not in its output");

    failure.output = undefined;
    await withApp({ launch, aat, ttlSeconds: SHORT_TTL_SECONDS, failure }, (app, emulator) =>
      checkRefreshAhead({ url: app.url, emulator, passed }),
    );
    return true;
  } catch (error) {
    const output = (failure.output?.() ?? '').replaceAll(aat, '[the AAT]');
    console.error(`  ✗ ${String(error.message).replaceAll(aat, '[the AAT]')}`);
    if (output) console.error(`  the runtime's output:\n${output.replace(/^/gm, '    | ')}`);
    return false;
  } finally {
    await launch?.cleanup?.();
  }
}

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in RUNTIMES));
if (names.length === 0 || unknown.length > 0) {
  console.error(`usage: node check.mjs <${Object.keys(RUNTIMES).join('|')}>...`);
  process.exit(2);
}
let ok = true;
for (const name of names) ok = (await checkRuntime(name)) && ok;
process.exit(ok ? 0 : 1);
