// Starts a real, throw-away redis-server on a free loopback port, for the tests and the bench.
// Plain JavaScript, so that bench/fleet.mjs can use it without a TypeScript loader.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.REDIS_SERVER || 'redis-server';

export const MISSING_REDIS = `redis-server was not found (tried "${BINARY}"). The @plug-session/redis tests run against a real Redis: install it with \`apt-get install -y redis-server\` (Debian/Ubuntu; \`brew install redis\` on macOS), or set REDIS_SERVER to its path.`;

/** Throws {@link MISSING_REDIS} when redis-server cannot be run. */
export function assertRedisServer() {
  const probe = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(MISSING_REDIS);
  return probe.stdout.trim();
}

/** A port that was free a moment ago: bind 0 on loopback, read the port, let it go. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `PING` on 127.0.0.1:port answers `+PONG`; rejects after `timeoutMs`. */
export async function waitForPong(port, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await pong(port)) return;
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer PING`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function pong(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let seen = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n')) done(seen.startsWith('+PONG'));
    });
  });
}

/**
 * Starts redis-server on a free loopback port, with no persistence, and waits for PONG.
 * `stop()` kills it (as a crash would); `start()` brings it back, empty, on the same port.
 * `extraArgs` are passed on (e.g. `['--cluster-enabled', 'yes']`).
 */
export async function startRedisServer(extraArgs = []) {
  assertRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'plug-session-redis-'));
  let child;
  let port;
  let log = '';

  const launch = async () => {
    log = '';
    child = spawn(
      BINARY,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'].concat([
        '--dir',
        dir,
        '--logfile',
        '',
        ...extraArgs,
      ]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (chunk) => {
      log = (log + chunk).slice(-4000);
    });
    child.stderr.on('data', (chunk) => {
      log = (log + chunk).slice(-4000);
    });
    const exited = new Promise((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}) on port ${port}:\n${log}`)),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([waitForPong(port), exited]);
  };

  // The port is free when picked but may be taken before redis-server binds it: try again.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      child?.kill('SIGKILL');
      if (attempt >= 3) throw error;
    }
  }
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = () =>
    new Promise((resolve) => {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });

  return {
    get port() {
      return port;
    },
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    stop,
    start: launch,
    async close() {
      await stop();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
