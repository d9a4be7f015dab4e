#!/usr/bin/env node
// Some tests need programs that npm cannot bring: Debian's Chromium (the browser flow; browser
// downloads are not possible here) and redis-server (the shared token store). Install the
// missing ones when we are root with apt-get; otherwise say how, and let those tests report it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const onPath = (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const wanted = [
  {
    pkg: 'chromium',
    present: () =>
      [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].some(
        (path) => path && existsSync(path),
      ),
  },
  { pkg: 'redis-server', present: () => onPath('redis-server') },
];
const missing = wanted.filter((item) => !item.present()).map((item) => item.pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  console.warn(
    `Missing: ${missing.join(', ')}. Install them (Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}); the browser and Redis tests need them.`,
  );
  process.exit(0);
}
console.log(`› installing ${missing.join(', ')} from Debian packages`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', ...missing],
]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    console.warn(
      `apt-get ${args.join(' ')} failed; the tests that need ${missing.join(', ')} will say so.`,
    );
    process.exit(0);
  }
}
