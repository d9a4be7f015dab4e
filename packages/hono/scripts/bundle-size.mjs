#!/usr/bin/env node
// What @plug-session/hono costs a Cloudflare Worker: a minimal Hono Worker with the middleware,
// bundled as Wrangler would (esbuild, `workerd`/`worker` conditions, minified), its size raw
// and gzipped, the share of each package in it, and the difference from the same Worker
// without plug-session. Fails if the bundle needs Node (a `node:` import, `Buffer`), which
// would mean the nodejs_compat flag.
//
//   node packages/hono/scripts/bundle-size.mjs      (after `pnpm build`)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleForWorkers } from '../../../scripts/bundle-for-workers.mjs';

/** packages/hono: bare imports (`hono`, `@plug-session/hono`) resolve from here. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

const HELLO = "app.get('/', (c) => c.html('<!doctype html><body><h1>Hello</h1></body>'));";
const WITH_PLUG_SESSION = `
import { Hono } from 'hono';
import { plugSession } from '@plug-session/hono';
const app = new Hono();
app.use(plugSession({
  appAccessToken: 'aat',
  appId: 'app',
  injectScript: true,
  tokenRoute: '/plug/session',
  resolveUser: (c) => (c.req.header('x-user') ? { user_ref: c.req.header('x-user') } : null),
}));
${HELLO}
export default app;
`;
const WITHOUT = `
import { Hono } from 'hono';
const app = new Hono();
${HELLO}
export default app;
`;

/** The name in the nearest package.json above `file`; the Worker's own code has none. */
function packageOf(file, names = new Map()) {
  let dir = dirname(file);
  while (dir !== dirname(dir)) {
    if (!names.has(dir)) {
      const manifest = join(dir, 'package.json');
      names.set(dir, existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).name : null);
    }
    const name = names.get(dir);
    if (name) return name;
    dir = dirname(dir);
  }
  return '(the Worker itself)';
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const sizes = (code) => {
  const raw = Buffer.byteLength(code);
  return { raw, gzip: gzipSync(code, { level: 9 }).length };
};

/** Minified bytes in the bundle per package, from esbuild's metafile. */
function bytesByPackage(metafile) {
  const [output] = Object.values(metafile.outputs);
  const byPackage = new Map();
  const names = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const file = join(PACKAGE_DIR, input);
    const name = input === 'worker.mjs' ? '(the Worker itself)' : packageOf(file, names);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]);
}

async function main() {
  const full = await bundleForWorkers({
    dir: PACKAGE_DIR,
    contents: WITH_PLUG_SESSION,
    minify: true,
  });
  const bare = await bundleForWorkers({ dir: PACKAGE_DIR, contents: WITHOUT, minify: true });
  if (full.needsNode.length > 0) {
    throw new Error(`the Worker bundle needs nodejs_compat:\n  ${full.needsNode.join('\n  ')}`);
  }
  const whole = sizes(full.code);
  const without = sizes(bare.code);
  const both = (raw, gzip) => `${kib(raw)} minified, ${kib(gzip)} gzipped`;
  const line = (label, value) => console.log(`  ${label.padEnd(40)}${value}`);
  console.log('A minimal Hono Worker with plugSession(), bundled for workerd (esbuild, minified):');
  line('whole bundle', both(whole.raw, whole.gzip));
  line('the same Worker without plug-session', both(without.raw, without.gzip));
  line('plug-session adds', both(whole.raw - without.raw, whole.gzip - without.gzip));
  console.log('By package (minified bytes in the bundle, before gzip):');
  for (const [name, bytes] of bytesByPackage(full.metafile)) {
    const share = ((100 * bytes) / whole.raw).toFixed(1);
    line(name, `${kib(bytes).padStart(10)}  ${share.padStart(5)} %`);
  }
  console.log(
    'No Node built-in, no Buffer, no require(: it runs on Workers without nodejs_compat.',
  );
}

main().catch((error) => {
  console.error(`bundle-size: ${error.message}`);
  process.exit(1);
});
