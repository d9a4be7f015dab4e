import { parseArgs } from 'node:util';
import type { EmulatorOptions } from './types.js';

/** The command's usage text, shown by `--help` and after a bad flag. */
export const USAGE = `Usage: plug-session-emulator [options]

A local stand-in for DevRev's auth-tokens.create endpoint and PLuG's plug.js.

Options:
  --port <n>      port to listen on (default 0: any free port)
  --host <host>   interface to listen on (default 127.0.0.1)
  --aat <token>   the only application access token accepted (default: any)
  --ttl <s>       session token lifetime in seconds (default 300)
  --latency <ms>  extra latency before every token answer (default 0)
  -h, --help      show this help`;

/** What the command line asks for: help, a start, or a mistake to report. */
export type CliRequest =
  | { kind: 'help' }
  | { kind: 'start'; options: EmulatorOptions }
  | { kind: 'error'; message: string };

/** Reads the flags; never throws, so the caller decides the exit code. */
export function parseCliArgs(args: readonly string[]): CliRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        aat: { type: 'string' },
        ttl: { type: 'string' },
        latency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs quotes a stray positional argument, which may be an AAT missing its
    // --aat; its other messages name only flags.
    const { code, message } = error as { code?: string; message: string };
    return {
      kind: 'error',
      message:
        code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
          ? 'unexpected argument: every value needs its flag (e.g. --port 4000)'
          : message,
    };
  }
  if (values.help) return { kind: 'help' };

  const options: EmulatorOptions = {};
  const numbers = [
    ['port', 'port', 0, 65535],
    ['ttl', 'tokenTtlSeconds', 1, Number.MAX_SAFE_INTEGER],
    ['latency', 'latencyMs', 0, Number.MAX_SAFE_INTEGER],
  ] as const;
  for (const [flag, key, min, max] of numbers) {
    const text = values[flag];
    if (typeof text !== 'string') continue;
    const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= min && value <= max)) {
      return { kind: 'error', message: `--${flag} must be an integer from ${min} to ${max}` };
    }
    options[key] = value;
  }
  if (typeof values.host === 'string') {
    if (values.host === '') return { kind: 'error', message: '--host must not be empty' };
    options.host = values.host;
  }
  if (typeof values.aat === 'string') {
    if (values.aat.trim() === '') return { kind: 'error', message: '--aat must not be empty' };
    options.appAccessToken = values.aat;
  }
  return { kind: 'start', options };
}
