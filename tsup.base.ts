import { defineConfig } from 'tsup';

/**
 * The one build every published package shares: ESM and CJS with declarations and
 * sourcemaps, for Node 20. A package names only its entry points.
 */
export function packageBuild(entry: string[] | Record<string, string>) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
  });
}
