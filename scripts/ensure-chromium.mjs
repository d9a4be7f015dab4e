#!/usr/bin/env node
// The browser-flow tests need a Chromium. Browser downloads are not possible here, so we use
// Debian's package: install it when it is missing and we are root with apt-get; otherwise say
// how, and let the browser tests report it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
if (candidates.some((path) => path && existsSync(path))) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (!isRoot || !hasApt) {
  console.warn(
    'Chromium is missing: install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH; the browser tests need it.',
  );
  process.exit(0);
}
console.log('› installing Chromium from Debian packages (apt-get install -y chromium)');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', 'chromium'],
]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    console.warn(`apt-get ${args.join(' ')} failed; the browser tests will report it.`);
    process.exit(0);
  }
}
