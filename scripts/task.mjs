#!/usr/bin/env node
// The README's commands (`npm test`, `npm run demo`, `npm run bench`) must work on a fresh
// clone of a machine that has only Node and npm, so this script installs what is missing
// (pnpm, the workspace's dependencies, the build) before running the task itself.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@10.34.9';
const [task, ...rest] = process.argv.slice(2);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function pnpm() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? ['pnpm'] : ['npx', '-y', PNPM];
}

function installIfNeeded(pnpmCmd) {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('› installing dependencies (pnpm install --frozen-lockfile)');
  run(pnpmCmd[0], [...pnpmCmd.slice(1), 'install', '--frozen-lockfile']);
}

function build(pnpmCmd) {
  console.log('› building the packages');
  run(pnpmCmd[0], [...pnpmCmd.slice(1), 'run', '--silent', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const scripts = {
  demo: join(root, 'examples', 'demo.mjs'),
  bench: join(root, 'bench', 'run.mjs'),
};

if (task !== 'test' && !(task in scripts)) {
  console.error('usage: node scripts/task.mjs <test|demo|bench> [args]');
  process.exit(2);
}
if (task in scripts && !existsSync(scripts[task])) {
  console.log(`${task}: not yet (it lands with its issue)`);
  process.exit(0);
}
const pnpmCmd = pnpm();
installIfNeeded(pnpmCmd);
build(pnpmCmd);
if (task === 'test') {
  // Chromium (browser flow) and redis-server (shared store) come from Debian's packages.
  run('node', [join(root, 'scripts', 'ensure-system-packages.mjs')]);
  run(pnpmCmd[0], [...pnpmCmd.slice(1), 'exec', 'vitest', 'run', ...rest]);
} else {
  run('node', [scripts[task], ...rest]);
}
