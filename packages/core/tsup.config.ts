import { defineConfig } from 'tsup';

export default defineConfig({
  // cli.ts is the `plug-session` bin (dist/cli.js, with its shebang kept and made executable).
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
