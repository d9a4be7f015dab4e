import { format, inspect } from 'node:util';
import { type MockInstance, vi } from 'vitest';

/** Everything written to the console, the process streams and the driver's logger sink. */
export interface LogCapture {
  readonly lines: string[];
  /** Give this to `StartOptions.log`. */
  readonly sink: (line: string) => void;
  /** Stops capturing and restores the real console and streams. */
  restore(): void;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Captures (and silences) `console.*`, `process.stdout.write` and `process.stderr.write`
 * until `restore()`; call it in a `finally` or `afterEach`.
 */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const spies: MockInstance[] = [];
  for (const method of CONSOLE_METHODS) {
    spies.push(
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(format(...args));
      }),
    );
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = (chunk: unknown, ...rest: unknown[]): boolean => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
    spies.push(vi.spyOn(stream, 'write').mockImplementation(write as typeof stream.write));
  }
  return {
    lines,
    sink: (line) => lines.push(line),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** Every way an error could be shown: message, JSON, stack, inspect, for it and its causes. */
export function dumpError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    parts.push(String(current));
    parts.push(inspect(current, { depth: Number.POSITIVE_INFINITY, showHidden: true }));
    try {
      parts.push(JSON.stringify(current) ?? '');
    } catch {
      // A circular structure: inspect already showed it.
    }
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '');
      for (const key of Object.getOwnPropertyNames(current)) {
        parts.push(`${key}=${inspect((current as unknown as Record<string, unknown>)[key])}`);
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}
