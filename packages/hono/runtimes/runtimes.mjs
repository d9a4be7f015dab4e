// How each runtime is fetched from npm, asked for its version and told to serve the app.
// Every runtime is a program of its own here: the check runs it as a child process, reads the
// `listening on <url>` line it prints, and keeps all it writes to look for the AAT there.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForWorkers } from '../../../scripts/bundle-for-workers.mjs';

/** packages/hono: bare imports (`hono`, `@plug-session/hono`) resolve from here. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** Runs a program to completion and returns its standard output, trimmed; throws on failure. */
function output(command, args) {
  // Outside the workspace, so that npx does not mistake a workspace package for the one asked.
  const result = spawnSync(command, args, { cwd: tmpdir(), encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  }
  return result.stdout.trim();
}

/** The path of the binary npm's package `spec` brings, found by asking the binary itself. */
const fromNpm = (spec, ...probe) => output('npx', ['-y', spec, ...probe]);

/** Where `npm install --prefix <dir> miniflare@4` put Miniflare (not a workspace dependency). */
function miniflarePrefix() {
  const prefix = process.env.MINIFLARE_PREFIX;
  if (!prefix) {
    throw new Error(
      'workerd runs through Miniflare 4, which is not a workspace dependency: install it with ' +
        '`npm install --prefix <dir> miniflare@4` and set MINIFLARE_PREFIX=<dir>',
    );
  }
  return prefix;
}

/**
 * Bundles worker.mjs as Wrangler would, refuses a bundle that needs nodejs_compat, and writes
 * it to a temporary folder for Miniflare.
 */
async function bundleWorker() {
  const { code, metafile, needsNode } = await bundleForWorkers({
    dir: PACKAGE_DIR,
    entry: here('worker.mjs'),
  });
  if (needsNode.length > 0) {
    throw new Error(`the Worker bundle needs nodejs_compat:\n  ${needsNode.join('\n  ')}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'plug-session-worker-'));
  const path = join(dir, 'worker.mjs');
  await writeFile(path, code);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const inputs = Object.keys(metafile.inputs).map((input) => join(PACKAGE_DIR, input));
  return { path, inputs, cleanup };
}

/**
 * @typedef {object} Launch
 * @property {string} version what the runtime says it is
 * @property {string} command the program to run
 * @property {string[]} args its arguments (run from this folder)
 * @property {RegExp} userAgent what `navigator.userAgent` (the app's `/runtime`) looks like
 * @property {string[]} [bundled] the files in the Worker bundle, absolute (workerd only)
 * @property {() => Promise<void>} [cleanup] removes what the launch wrote
 */

/** @type {Record<string, () => Promise<Launch>>} */
export const RUNTIMES = {
  async node() {
    return {
      version: `Node ${process.version}`,
      command: process.execPath,
      args: ['serve-node.mjs'],
      userAgent: /^Node\.js\//,
    };
  },
  async bun() {
    const bun = fromNpm('bun@1', '-e', 'console.log(process.execPath)');
    return {
      version: `Bun ${output(bun, ['--version'])}`,
      command: bun,
      args: ['serve-bun.mjs'],
      userAgent: /^Bun\//,
    };
  },
  async deno() {
    const deno = fromNpm('deno@2', 'eval', 'console.log(Deno.execPath())');
    return {
      version: output(deno, ['--version']).split('\n').join(', '),
      command: deno,
      // -A: the app needs the network and its environment; --no-lock: no deno.lock in the tree.
      args: ['run', '-A', '--no-lock', 'serve-deno.mjs'],
      userAgent: /^Deno\//,
    };
  },
  async workerd() {
    const prefix = miniflarePrefix();
    const node = fromNpm('node@22', '-p', 'process.execPath');
    const require = createRequire(join(prefix, 'package.json'));
    const miniflare = require('miniflare/package.json').version;
    const workerdBin = join(prefix, 'node_modules', '.bin', 'workerd');
    const bundle = await bundleWorker();
    return {
      version: `${output(workerdBin, ['--version'])} through Miniflare ${miniflare} on Node ${output(node, ['--version'])}`,
      command: node,
      args: ['serve-workerd.mjs', bundle.path],
      userAgent: /^Cloudflare-Workers$/,
      bundled: bundle.inputs,
      cleanup: bundle.cleanup,
    };
  },
};
