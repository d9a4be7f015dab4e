// Bundles the soak's TypeScript (the driver and the child server) from the packages' sources,
// as the tests see them, into soak/.build/. The soak runs under plain `node` (the child with
// --expose-gc), and Node 20 cannot load TypeScript; bundling with esbuild (the one vite, and so
// vitest, already depends on) avoids both a stale dist/ and a new dependency.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const source = (name) => here(`../../${name}/src/index.ts`);

/** esbuild, reached through vitest → vite, both dependencies of this package. */
function loadEsbuild() {
  const require = createRequire(import.meta.url);
  const vitest = require.resolve('vitest/package.json');
  const vite = createRequire(vitest).resolve('vite/package.json');
  return createRequire(vite)('esbuild');
}

/** Where the bundles are. */
export const BUNDLES = {
  driver: here('./.build/soak.mjs'),
  server: here('./.build/server.mjs'),
};

/** Builds both bundles; resolves with their paths. Takes well under a second. */
export async function buildSoak() {
  const esbuild = loadEsbuild();
  await esbuild.build({
    entryPoints: { soak: here('./soak.ts'), server: here('./server.ts') },
    outdir: here('./.build'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    alias: {
      ...Object.fromEntries(
        ['core', 'emulator', 'express', 'fastify', 'koa'].map((name) => [
          `@plug-session/${name}`,
          source(name),
        ]),
      ),
      // The Node adapters import core's Node build by its subpath; an alias of the package
      // alone would append the subpath to the source file's path.
      '@plug-session/core/node': source('core'),
    },
    // The frameworks and undici are this package's own dependencies, loaded as installed;
    // everything else (the packages' sources and their dependencies) is bundled.
    external: ['express', 'fastify', 'koa', 'undici'],
    // Some bundled CommonJS calls require(); give ESM output one.
    banner: {
      js: "import { createRequire as __soakRequire } from 'node:module'; const require = __soakRequire(import.meta.url);",
    },
  });
  return BUNDLES;
}
