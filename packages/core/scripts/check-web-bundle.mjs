#!/usr/bin/env node
// Bundles core's web build as wrangler bundles a Cloudflare Worker (conditions workerd, worker
// and browser, platform neutral, dependencies included) and fails when anything it reaches imports a
// `node:` module (or a bare Node built-in, or undici), names the global `Buffer`, or calls
// `require(`: on Workers without the nodejs_compat flag each of those breaks at load or at run
// time. Prints the bundle's minified and gzipped size, and each package's share of it.
//
//   node scripts/check-web-bundle.mjs            the built dist/web.js (run by check:package)
//   node scripts/check-web-bundle.mjs --source   src/web.ts, no build needed (run by pnpm lint)
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('..', import.meta.url));
const fromSource = process.argv.includes('--source');
const entry = fileURLToPath(
  new URL(fromSource ? '../src/web.ts' : '../dist/web.js', import.meta.url),
);

const builtins = builtinModules.filter((name) => !name.startsWith('_')).map(escapeRegExp);
const nodeOnly = new RegExp(`^(node:.*|undici(/.*)?|(${builtins.join('|')})(/.*)?)$`);
// Free references to these globals are renamed to a marker that cannot occur otherwise, so
// that a property (`chunk.Buffer`) or a string ("a Buffer") is not mistaken for one.
const BUFFER = '__plug_session_forbidden_Buffer__';
const REQUIRE = '__plug_session_forbidden_require__';

const problems = [];
const guard = {
  name: 'no-node-modules',
  setup(builder) {
    builder.onResolve({ filter: nodeOnly }, ({ path, importer }) => {
      problems.push(`${shown(importer)} imports ${path}`);
      return { path, external: true };
    });
  },
};

const bundle = (minify) =>
  build({
    entryPoints: [entry],
    absWorkingDir: here,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    // wrangler's own conditions. `browser` matters: lru-cache's default build loads
    // node:diagnostics_channel with a dynamic import(), its browser build does not.
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify,
    metafile: true,
    logLevel: 'silent',
    define: { Buffer: BUFFER, 'globalThis.Buffer': BUFFER, require: REQUIRE },
    plugins: [guard],
  });

const plain = await bundle(false);
const code = plain.outputFiles[0].text;
// Input paths in the metafile are relative to `here`.
const where = (marker) =>
  Object.keys(plain.metafile.inputs)
    .filter((file) => readFileSync(join(here, file), 'utf8').includes(marker))
    .join(', ') || 'a dependency';
if (code.includes(BUFFER)) problems.push(`the global Buffer is named (in ${where('Buffer')})`);
if (code.includes(REQUIRE) || /\brequire\(/.test(code)) {
  problems.push(`require( is called (in ${where('require(')})`);
}

if (problems.length > 0) {
  console.error(`✗ core's web build (${shown(entry)}) is not runtime-neutral:`);
  for (const problem of new Set(problems)) console.error(`  - ${problem}`);
  process.exit(1);
}

const small = await bundle(true);
const minified = small.outputFiles[0].contents;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `✓ core's web build (${shown(entry)}) reaches no node: module, no Buffer, no require(: ` +
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

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function shown(file) {
  return file ? relative(here, file) || file : '(entry)';
}

function packageOf(file) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(file);
  return match ? match[1] : '@plug-session/core';
}
