#!/usr/bin/env node
// Bundles core's web build as wrangler bundles a Cloudflare Worker (the root
// scripts/bundle-for-workers.mjs: conditions workerd, worker and browser, platform neutral,
// dependencies included) and fails when anything it reaches imports a `node:` module (or a bare
// Node built-in, or undici), names the global `Buffer`, or calls `require(`: on Workers without
// the nodejs_compat flag each of those breaks at load or at run time. Prints the bundle's
// minified and gzipped size, and each package's share of it.
//
//   node scripts/check-web-bundle.mjs            the built dist/web.js (run by check:package)
//   node scripts/check-web-bundle.mjs --source   src/web.ts, no build needed (run by pnpm lint)
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleForWorkers } from '../../../scripts/bundle-for-workers.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const fromSource = process.argv.includes('--source');
const entry = fileURLToPath(
  new URL(fromSource ? '../src/web.ts' : '../dist/web.js', import.meta.url),
);
const shown = relative(here, entry);

const { needsNode } = await bundleForWorkers({ dir: here, entry });
if (needsNode.length > 0) {
  console.error(`✗ core's web build (${shown}) is not runtime-neutral:`);
  for (const problem of needsNode) console.error(`  - ${problem}`);
  process.exit(1);
}

const small = await bundleForWorkers({ dir: here, entry, minify: true });
const minified = Buffer.from(small.code);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `✓ core's web build (${shown}) reaches no node: module, no Buffer, no require(: ` +
    `${kb(minified.byteLength)} minified, ${kb(gzipSync(minified, { level: 9 }).byteLength)} minified+gzipped`,
);
const shares = new Map();
for (const output of Object.values(small.metafile.outputs)) {
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(file);
    shares.set(name, (shares.get(name) ?? 0) + bytesInOutput);
  }
}
for (const [name, bytes] of [...shares].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${name.padEnd(22)} ${kb(bytes)} minified`);
}

function packageOf(file) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(file);
  return match ? match[1] : '@plug-session/core';
}
