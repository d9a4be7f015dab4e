import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Some tests run what users run: the built CLIs, the exports maps, the node:http example.
// They get their builds here, once, before any test starts, so that no test rebuilds (and so
// deletes) a dist that another test file is reading at the same time.
const root = fileURLToPath(new URL('.', import.meta.url));
const packagesDir = join(root, 'packages');

function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map(
      (file) => statSync(join(dir, file)).mtimeMs,
    ),
  );
}

/** A published package whose dist is missing or older than one of its sources. */
function isStale(name: string): boolean {
  const pkg = join(packagesDir, name);
  if (!existsSync(join(pkg, 'tsup.config.ts'))) return false;
  // An ESM-only package (no `require` in its exports, as @plug-session/browser) has no CJS files.
  const exportsMap = JSON.stringify(
    JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).exports,
  );
  const files = exportsMap.includes('"require"')
    ? ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']
    : ['index.js', 'index.d.ts'];
  const built = files.map((file) => join(pkg, 'dist', file));
  if (!built.every((file) => existsSync(file))) return true;
  const builtAt = Math.min(...built.map((file) => statSync(file).mtimeMs));
  return newest(join(pkg, 'src')) > builtAt;
}

export default function buildWhatIsStale(): void {
  if (!readdirSync(packagesDir).some(isStale)) return;
  console.log('› building the packages for the tests that run built files');
  const result = spawnSync('pnpm', ['-r', '--filter', './packages/*', 'run', 'build'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `pnpm build failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
    );
  }
}
