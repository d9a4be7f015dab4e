import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Type-checks `source` as a user's TypeScript file would be checked, both as ESM (`.mts`) and
 * as CommonJS (`.cts`) under `node16` resolution, against the BUILT package in `packageDir`
 * (the file is written inside it, so the package's name resolves to itself through `exports`).
 * Returns tsc's output: `''` when the consumer type-checks.
 */
export function typecheckConsumer(packageDir: string, source: string): string {
  const dir = mkdtempSync(join(packageDir, '.consumer-'));
  try {
    writeFileSync(join(dir, 'esm.mts'), source);
    writeFileSync(join(dir, 'cjs.cts'), source);
    const compilerOptions = {
      module: 'node16',
      moduleResolution: 'node16',
      target: 'es2022',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    };
    const config = { compilerOptions, files: ['esm.mts', 'cjs.cts'] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = require.resolve('typescript/bin/tsc', { paths: [packageDir] });
    try {
      return execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
