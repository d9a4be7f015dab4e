// What @plug-session/browser costs a page: the built ESM file minified (esbuild, as an app's
// bundler would) and gzipped (level 9). Run after tsup by `pnpm build`; fails above the budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';

const BUDGET_BYTES = 2048;

const built = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
const { code } = await transform(built, { minify: true, format: 'esm', target: 'es2020' });
const gzipped = gzipSync(code, { level: 9 }).byteLength;

console.log(
  `@plug-session/browser: ${gzipped} B minified and gzipped (${Buffer.byteLength(code)} B minified, ${Buffer.byteLength(built)} B built), budget ${BUDGET_BYTES} B`,
);
if (gzipped > BUDGET_BYTES) {
  console.error(`@plug-session/browser is over its size budget by ${gzipped - BUDGET_BYTES} B`);
  process.exit(1);
}
