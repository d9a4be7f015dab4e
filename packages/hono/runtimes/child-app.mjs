// Runs the app on a runtime as a child process on 127.0.0.1 and keeps everything it writes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

// Guards against a runtime that never comes up (a download stuck, a crash before listening):
// the check then fails with the runtime's own output instead of hanging. Not a speed limit.
const START_GUARD_MS = 120_000;
const STOP_GUARD_MS = 15_000;

/**
 * Starts `command args` in this folder with `env` added to the environment, and waits for it
 * to print `listening on <url>`.
 * @param {{ command: string, args: string[] }} launch
 * @param {Record<string, string>} env
 * @returns {Promise<{ url: string, output(): string, stop(): Promise<number | null> }>}
 */
export async function startChildApp({ command, args }, env) {
  const child = spawn(command, args, {
    cwd: HERE,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const exited = once(child, 'exit');
  const listening = new Promise((resolve, reject) => {
    const guard = setTimeout(
      () => reject(new Error(`no "listening on" line after ${START_GUARD_MS} ms`)),
      START_GUARD_MS,
    );
    const collect = (chunk) => {
      text += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(guard);
        resolve(match[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    child.once('error', reject);
    exited.then(([code, signal]) => {
      clearTimeout(guard);
      reject(new Error(`exited (${code ?? signal}) before listening`));
    });
  });

  async function stop() {
    const gone = child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
    if (gone) return child.exitCode;
    child.kill('SIGTERM');
    const guard = setTimeout(() => child.kill('SIGKILL'), STOP_GUARD_MS);
    const [code] = await exited;
    clearTimeout(guard);
    return code;
  }

  try {
    return { url: await listening, output: () => text, stop };
  } catch (error) {
    await stop();
    throw Object.assign(error, { output: text });
  }
}
