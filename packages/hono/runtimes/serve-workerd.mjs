// The runtime app on workerd, Cloudflare's Workers runtime, through Miniflare 4 (Node 22+):
// `MINIFLARE_PREFIX=<dir> node serve-workerd.mjs <bundle.mjs>`, where <dir> is where
// `npm install --prefix <dir> miniflare@4` put Miniflare (it is not a workspace dependency,
// so that installing the workspace does not download workerd) and <bundle.mjs> is worker.mjs
// as check.mjs bundles it (the root scripts/bundle-for-workers.mjs). The app's environment variables
// become the Worker's bindings.
// No compatibility flags: the adapter must run without nodejs_compat.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CONFIG_NAMES } from './app-config.mjs';

// Recent, and no later than the workerd that Miniflare 4.20260730 ships (workerd refuses dates
// past its own).
const COMPATIBILITY_DATE = '2026-07-01';

const [bundlePath] = process.argv.slice(2);
const prefix = process.env.MINIFLARE_PREFIX;
if (!bundlePath || !prefix) {
  console.error('usage: MINIFLARE_PREFIX=<dir> node serve-workerd.mjs <bundle.mjs>');
  process.exit(2);
}
const { Miniflare } = createRequire(join(prefix, 'package.json'))('miniflare');

// Only the app's own variables become bindings: the rest of this process's environment stays out.
const bindings = Object.fromEntries(
  CONFIG_NAMES.filter((name) => process.env[name] !== undefined).map((name) => [
    name,
    process.env[name],
  ]),
);
const mf = new Miniflare({
  modules: true,
  scriptPath: bundlePath,
  // Module names are paths from here: the bundle's own folder, wherever the check wrote it.
  modulesRoot: dirname(bundlePath),
  compatibilityDate: COMPATIBILITY_DATE,
  compatibilityFlags: [],
  bindings,
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
});
const url = await mf.ready;
console.log(`workerd compatibility date ${COMPATIBILITY_DATE}, no compatibility flags`);
console.log(`listening on ${url.origin}`);

// workerd is Miniflare's child process: dispose of it rather than leave it running.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    mf.dispose().finally(() => process.exit(0));
  });
}
