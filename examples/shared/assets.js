import { readFileSync } from 'node:fs';

/** The folder of the shared static files (express serves it with express.static). */
export const ASSETS_DIR = new URL('./assets/', import.meta.url);

const TYPES = {
  'app.css': 'text/css; charset=utf-8',
  'spa.js': 'text/javascript; charset=utf-8',
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
