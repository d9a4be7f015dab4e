import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (name: string) => fileURLToPath(new URL(`../${name}/src/index.ts`, import.meta.url));

// The suite against the reference node:http driver, to check the suite itself:
// `pnpm exec vitest run --config packages/conformance/vitest.config.ts`.
export default defineConfig({
  resolve: {
    alias: { '@plug-session/core': source('core'), '@plug-session/emulator': source('emulator') },
  },
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
