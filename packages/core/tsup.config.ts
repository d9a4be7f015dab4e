import type { Options } from 'tsup';
import { packageBuild } from '../../tsup.base';

// cli/cli.ts is the `plug-session` bin (dist/cli.js, with its shebang kept and made executable).
// The two builds write to dist/ at the same time: the Node build's clean spares the web build's
// files (tsup never cleans declarations while it builds them).
const node: Options = {
  ...(packageBuild({ index: 'src/index.ts', cli: 'src/cli/cli.ts' }) as Options),
  clean: ['!web.js', '!web.js.map'],
};

// The web build (src/web.ts) for Bun, Deno and Cloudflare Workers, chosen by package.json export
// conditions: ESM only and platform neutral, so that nothing of Node's is assumed.
// scripts/check-web-bundle.mjs checks that it reaches no `node:` module, no Buffer, no require.
const web: Options = {
  entry: { web: 'src/web.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'es2022',
  platform: 'neutral',
};

export default [node, web];
