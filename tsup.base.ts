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

/**
 * The build of a package that runs in browsers (`@plug-session/browser`): ESM only, with
 * declarations and sourcemaps, for the browsers that run ES2020. Not minified: the app's
 * bundler minifies, and the package's `size` script measures the minified, gzipped figure.
 */
export function browserPackageBuild(entry: string[] | Record<string, string>) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2020',
    platform: 'browser',
  });
}
