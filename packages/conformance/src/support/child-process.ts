import { spawn } from 'node:child_process';

/** How a child Node process ended. */
export interface ChildResult {
  /** The exit code; `null` when a signal ended it. */
  status: number | null;
  signal: NodeJS.Signals | null;
  /** Killed because it was still running after `timeoutMs`. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Options of {@link runModule}. */
export interface RunModuleOptions {
  /** Where the module runs: bare specifiers resolve from here. */
  cwd: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Killed (SIGKILL) when still running after this long. @default 10_000 */
  timeoutMs?: number;
}

/**
 * Runs `code` as an ES module in a new Node process (`node --input-type=module -e code`) and
 * waits for it to exit on its own. Asynchronous on purpose: a test may serve the child (an
 * emulator in this process) while it runs, which `spawnSync` would block.
 */
export function runModule(code: string, options: RunModuleOptions): Promise<ChildResult> {
  const { cwd, env = {}, timeoutMs = 10_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, timedOut, stdout, stderr });
    });
  });
}

/** The JSON a child printed on its last line of output. */
export function lastJsonLine<T>(result: ChildResult): T {
  const lines = result.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(
      `the child printed no JSON (status ${result.status}, signal ${result.signal}):\n` +
        `${result.stdout.slice(-2000)}\n${result.stderr.slice(-4000)}`,
    );
  }
}

/** What `after` holds beyond `before`, counted as a multiset (`['Timeout', 'TCPWRAP']`). */
export function addedResources(before: readonly string[], after: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const name of before) left.set(name, (left.get(name) ?? 0) + 1);
  const added: string[] = [];
  for (const name of after) {
    const count = left.get(name) ?? 0;
    if (count > 0) left.set(name, count - 1);
    else added.push(name);
  }
  return added.sort();
}

/**
 * Module code to put at the top of a child's code (before it imports plug-session): it
 * records every timer that plug-session's built code (`packages/{core,express,fastify,koa}/dist`)
 * starts with `setTimeout` or `setInterval`, whether it is `unref()`ed or not (which
 * `process.getActiveResourcesInfo()` leaves out), and defines `pendingPlugSessionTimers()`:
 * the call sites of those still pending (neither fired nor cleared).
 */
export const TIMER_TRACKER = `
import { syncBuiltinESMExports as __sync } from 'node:module';
import __timers from 'node:timers';
const __ours = /[\\\\/]packages[\\\\/](core|express|fastify|koa)[\\\\/]dist[\\\\/]/;
const __tracked = [];
const __track = (name) => {
  const create = globalThis[name];
  const wrapper = function (...args) {
    const holder = {};
    Error.captureStackTrace(holder, wrapper);
    const caller = String(holder.stack).split('\\n')[1]?.trim() ?? '';
    const timer = create.apply(this, args);
    if (__ours.test(caller)) __tracked.push({ name, caller, timer });
    return timer;
  };
  globalThis[name] = wrapper;
  __timers[name] = wrapper;
};
__track('setTimeout');
__track('setInterval');
__sync();
// Node sets _destroyed on a Timeout once it has fired (setTimeout) or been cleared.
globalThis.pendingPlugSessionTimers = () =>
  __tracked.filter(({ timer }) => timer._destroyed !== true).map(({ name, caller }) => name + ' ' + caller);
`;
