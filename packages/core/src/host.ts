/**
 * What the host runtime may or may not have, found without importing a `node:` module, so
 * that the same code runs on Node, Bun, Deno and Cloudflare Workers (without nodejs_compat).
 */

interface BuiltinLoader {
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * A Node built-in module through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno), or
 * `undefined` where there is none (Workers, browsers): callers then do without it.
 *
 * @example
 * const events = nodeBuiltin<{ setMaxListeners(n: number, t: EventTarget): void }>('node:events');
 */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  const host = (globalThis as { process?: BuiltinLoader }).process;
  try {
    return host?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lets the process exit while `timer` is pending, where a timer is an object that could hold
 * it (Node, Bun); a number (Workers, Deno) has nothing to let go of.
 */
export function unrefTimer<T>(timer: T): T {
  (timer as { unref?: () => unknown } | undefined)?.unref?.();
  return timer;
}

/** Runs `task` after the I/O callbacks already due: `setImmediate` where there is one. */
export function afterPendingIo(task: () => void): void {
  const { setImmediate } = globalThis as { setImmediate?: (task: () => void) => unknown };
  if (typeof setImmediate === 'function') setImmediate(task);
  else setTimeout(task, 0);
}
