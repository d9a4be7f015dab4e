import { readFileSync } from 'node:fs';

/** The folder of the shared static files (express serves it with express.static). */
export const ASSETS_DIR = new URL('./assets/', import.meta.url);

/**
 * Where the pages load @plug-session/browser's ESM build from; the single-page view's
 * import map names it, so its script imports `@plug-session/browser` as a bundled app would.
 */
export const PLUG_BROWSER_DIR = '/assets/plug-session-browser/';

const TYPES = {
  'app.css': 'text/css; charset=utf-8',
  'spa-view.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * The static files as `{ path, type, body }`, read once, for frameworks without a static
 * file plugin among the example's dependencies (fastify, koa).
 */
export const ASSETS = Object.entries(TYPES).map(([name, type]) => ({
  path: `/assets/${name}`,
  type,
  body: readFileSync(new URL(name, ASSETS_DIR)),
}));

/**
 * @plug-session/browser's built file and its sourcemap, as `{ path, type, body }` under
 * {@link PLUG_BROWSER_DIR}, read once.
 * @param {string} entryUrl the package's entry as the app resolved it:
 *   `import.meta.resolve('@plug-session/browser')`
 */
export function plugBrowserAssets(entryUrl) {
  return [
    ['index.js', 'text/javascript; charset=utf-8'],
    ['index.js.map', 'application/json; charset=utf-8'],
  ].map(([name, type]) => ({
    path: `${PLUG_BROWSER_DIR}${name}`,
    type,
    body: readFileSync(new URL(name, entryUrl)),
  }));
}
