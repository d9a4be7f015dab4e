// Child processes of a bench run: measured servers and the load generator, each its own
// process, pinned to a core when `taskset` exists. Every child is killed when the run ends,
// on Ctrl-C, and on an error; children also exit by themselves when the IPC channel closes.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const children = new Set();

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The core layout: the measured server alone on core 0; the load generator, this process
 * and the emulator (hit only on cache misses) on core 1. `undefined` cores: no pinning.
 */
export function coreLayout(pin) {
  if (!pin || availableParallelism() < 2 || !hasTaskset())
    return { server: undefined, load: undefined };
  execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  return { server: 0, load: 1 };
}

function fork(script, args, core) {
  // --expose-gc: the server starts each measured window from a collected heap (server.mjs).
  const node = ['--expose-gc', here(script), ...args];
  const [command, argv] =
    core === undefined
      ? [process.execPath, node]
      : ['taskset', ['-c', String(core), process.execPath, ...node]];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Sends `message` and resolves with the child's next message of the same `cmd`. */
function ask(child, message) {
  return new Promise((resolve, reject) => {
    const onMessage = (reply) => {
      if (reply?.cmd !== message.cmd) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply);
    };
    const onExit = (code) =>
      reject(new Error(`child exited (${code}) before answering ${message.cmd}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}

/** Starts `server.mjs`; resolves once it printed its port. */
export async function startServer(options) {
  const { framework, scenario, setup, endpoint, scriptSrc, timeoutMs, timing, core, profileDir } =
    options;
  const { windowGc = true } = options;
  const args = ['--framework', framework, '--scenario', scenario, '--endpoint', endpoint];
  if (setup !== undefined) args.push('--setup', setup);
  args.push('--script-src', scriptSrc, '--timeout-ms', String(timeoutMs));
  if (timing) args.push('--timing');
  if (!windowGc) args.push('--no-window-gc');
  if (profileDir) args.push('--profile', profileDir);
  const child = fork('server.mjs', args, core);
  let out = '';
  child.stdout.setEncoding('utf8');
  const line = new Promise((resolve, reject) => {
    child.stdout.on('data', (text) => {
      out += text;
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
    child.once('exit', (code) =>
      reject(new Error(`${framework}/${scenario} server exited (${code})`)),
    );
  });
  const { port } = await line;
  return {
    url: `http://127.0.0.1:${port}`,
    startWindow: () => ask(child, { cmd: 'window' }),
    stats: () => ask(child, { cmd: 'stats' }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ cmd: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * `start(framework, scenario, name, { timeoutMs, timing, setup, windowGc })` for servers that
 * use `emulator` as DevRev, pinned to `core`; with `profileDir`, each profiles into
 * `<profileDir><name>`.
 */
export const serverStarter =
  ({ emulator, core, profileDir }) =>
  (framework, scenario, name, { timeoutMs = 2000, timing = false, setup, windowGc } = {}) =>
    startServer({
      framework,
      scenario,
      setup,
      windowGc,
      endpoint: emulator.endpoint,
      scriptSrc: emulator.scriptSrc,
      timeoutMs,
      timing,
      core,
      profileDir: profileDir && `${profileDir}${name}`,
    });

/** Starts the persistent load generator; `run(spec)` resolves with its result. */
export async function startLoad(core) {
  const child = fork('load.mjs', [], core);
  await new Promise((resolve, reject) => {
    child.once('message', resolve); // `{ cmd: 'ready' }`: it listens now
    child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
  });
  return {
    async run(spec) {
      const { result, error } = await ask(child, { cmd: 'run', spec });
      if (error) throw new Error(`load generator: ${error}`);
      return result;
    },
    stop: () => child.kill('SIGTERM'),
  };
}

/** Kills every child still running (SIGKILL: used on the way out, when nothing can wait). */
export function killAll() {
  for (const child of children) child.kill('SIGKILL');
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}
