import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (name: string, file = 'index') =>
  fileURLToPath(new URL(`./packages/${name}/src/${file}.ts`, import.meta.url));

// Tests run against the TypeScript sources; the exports tests load the built files on purpose.
// Core's entries are matched whole (a plain string would also take `@plug-session/core/web` for a
// path inside the main entry).
const alias = [
  { find: /^@plug-session\/core$/, replacement: source('core') },
  { find: /^@plug-session\/core\/web$/, replacement: source('core', 'web') },
  // The Node build under its own name (the Node adapters', also on Bun and Deno).
  { find: /^@plug-session\/core\/node$/, replacement: source('core') },
  ...Object.entries({
    '@plug-session/emulator': source('emulator'),
    '@plug-session/express': source('express'),
    '@plug-session/fastify': source('fastify'),
    '@plug-session/koa': source('koa'),
    '@plug-session/hono': source('hono'),
    '@plug-session/conformance': source('conformance'),
    '@plug-session/redis': source('redis'),
    '@plug-session/browser': source('browser'),
  }).map(([find, replacement]) => ({ find, replacement })),
];

const project = (name: string, extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: {
    name,
    include: [name === 'e2e' ? 'examples/test/**/*.test.ts' : `packages/${name}/test/**/*.test.ts`],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    ...extra,
  },
});

export default defineConfig({
  test: {
    globalSetup: ['./vitest.global-setup.ts'],
    projects: [
      project('emulator'),
      project('core'),
      // The adapter suite against a plain node:http server on core alone.
      project('conformance'),
      project('express'),
      project('fastify'),
      project('koa'),
      project('hono'),
      project('redis'),
      // connectPlug in real Chromium against a token route on core's engine; one browser at a time.
      project('browser', { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false }),
      project('reliability', { testTimeout: 120_000, hookTimeout: 60_000 }),
      // The browser flow: real Chromium against the example apps on the emulator.
      project('e2e', { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false }),
    ],
  },
});
