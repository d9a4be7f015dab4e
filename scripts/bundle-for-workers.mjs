// Bundles code for Cloudflare Workers the way Wrangler does (esbuild, ES modules, platform
// neutral, Wrangler's `workerd`, `worker` and `browser` export conditions), so that
// @plug-session/core's web build is the one bundled, and tells what in it would need the
// nodejs_compat flag: an import of a Node built-in (static or dynamic) or undici, a free
// reference to the global `Buffer`, a call to `require(`. Core's scripts/check-web-bundle.mjs
// applies it to core's web build, packages/hono's scripts to a whole Hono Worker.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const builtins = builtinModules.filter((name) => !name.startsWith('_')).map(escapeRegExp);
const NODE_ONLY = new RegExp(`^(node:.*|undici(/.*)?|(${builtins.join('|')})(/.*)?)$`);
// Free references to these globals become markers that cannot occur otherwise, so that a
// property (`chunk.Buffer`), a string ("a Buffer") or `ArrayBuffer` is not mistaken for one.
const BUFFER = '__plug_session_forbidden_Buffer__';
const REQUIRE = '__plug_session_forbidden_require__';

/**
 * One ES module holding the entry and everything it imports, and what in it needs Node.
 * @param {{ dir: string, entry?: string, contents?: string, minify?: boolean }} input the
 *   package directory that bare imports resolve from (and the metafile's paths are relative
 *   to), and a file or source text
 * @returns {Promise<{ code: string, metafile: import('esbuild').Metafile, needsNode: string[] }>}
 *   `needsNode` is empty when the bundle runs on Workers without nodejs_compat
 * @example
 * const { needsNode } = await bundleForWorkers({ dir, contents: "export * from '@plug-session/hono';" });
 */
export async function bundleForWorkers({ dir, entry, contents, minify = false }) {
  const needsNode = [];
  const guard = {
    name: 'node-only-imports',
    setup(builder) {
      builder.onResolve({ filter: NODE_ONLY }, ({ path, importer }) => {
        needsNode.push(`${importer || 'the entry'} imports ${path}`);
        return { path, external: true };
      });
    },
  };
  const result = await build({
    ...options({ dir, entry, contents, minify }),
    plugins: [guard],
  }).catch((error) => {
    throw new Error(`esbuild could not bundle it for Workers:\n  ${describe(error.errors)}`);
  });
  const code = result.outputFiles[0].text;
  const inputsWith = (text) =>
    Object.keys(result.metafile.inputs)
      .filter(
        (file) => file !== 'worker.mjs' && readFileSync(join(dir, file), 'utf8').includes(text),
      )
      .join(', ') || 'a dependency';
  if (code.includes(BUFFER))
    needsNode.push(`the global Buffer is named (in ${inputsWith('Buffer')})`);
  if (code.includes(REQUIRE) || /\brequire\(/.test(code)) {
    needsNode.push(`require( is called (in ${inputsWith('require(')})`);
  }
  return { code, metafile: result.metafile, needsNode: [...new Set(needsNode)] };
}

const SHOWN_ERRORS = 8;

/** esbuild's errors, one line each. */
function describe(errors = []) {
  const lines = errors
    .slice(0, SHOWN_ERRORS)
    .map(({ text, location }) => (location ? `${location.file}:${location.line}: ${text}` : text));
  if (errors.length > SHOWN_ERRORS) lines.push(`… and ${errors.length - SHOWN_ERRORS} more`);
  return lines.join('\n  ');
}

function options({ dir, entry, contents, minify }) {
  return {
    ...(entry
      ? { entryPoints: [entry] }
      : { stdin: { contents, resolveDir: dir, sourcefile: 'worker.mjs', loader: 'js' } }),
    absWorkingDir: dir,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    // Wrangler's conditions. `browser` matters: lru-cache's default build loads
    // node:diagnostics_channel with a dynamic import(), its browser build does not.
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify,
    metafile: true,
    logLevel: 'silent',
    define: { Buffer: BUFFER, 'globalThis.Buffer': BUFFER, require: REQUIRE },
  };
}
