import type { Dispatcher, Pool } from 'undici';

/** The part of an undici `Pool` the token client uses. */
export interface RequestPool {
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
}

interface PoolParts {
  Pool: typeof Pool;
  request: (
    this: Dispatcher,
    options: Dispatcher.RequestOptions,
  ) => Promise<Dispatcher.ResponseData>;
}

// undici's entry point loads everything it has (fetch, WebSocket, EventSource, mock agents,
// caches): megabytes of heap in every app that uses us, which each garbage collection then
// marks, slowing every request (`node bench/footprint.mjs` shows the difference). The Pool and
// its `request` are a fraction of it. They are undici's own modules, found by path: should a future
// undici move them, the whole package is loaded instead, and nothing breaks.
const POOL_PATH = 'undici/lib/dispatcher/pool.js';
const REQUEST_PATH = 'undici/lib/api/api-request.js';

let parts: Promise<PoolParts> | undefined;

async function loadParts(): Promise<PoolParts> {
  try {
    const [pool, request] = await Promise.all([import(POOL_PATH), import(REQUEST_PATH)]);
    const found = {
      Pool: (pool as { default: unknown }).default,
      request: (request as { default: unknown }).default,
    };
    if (typeof found.Pool === 'function' && typeof found.request === 'function') {
      return found as PoolParts;
    }
  } catch {
    // Moved or renamed: the public entry point below has them.
  }
  const undici = await import('undici');
  return { Pool: undici.Pool, request: undici.Pool.prototype.request };
}

/** undici's Pool and request, loaded once per process (the lean way when it can be). */
function loadPoolParts(): Promise<PoolParts> {
  parts ??= loadParts();
  return parts;
}

/**
 * A keep-alive undici `Pool` for `origin`, created once the modules are loaded (loading
 * starts at once, so the first request rarely waits for it).
 */
export function createRequestPool(origin: string, options: Pool.Options): RequestPool {
  const ready = loadPoolParts().then(({ Pool: PoolClass, request }) => ({
    pool: new PoolClass(origin, options),
    request,
  }));
  // A load failure surfaces on the first request; until then it is not an unhandled rejection.
  ready.catch(() => undefined);
  let closed = false;
  return {
    async request(options) {
      const { pool, request } = await ready;
      return request.call(pool, options);
    },
    async close() {
      if (closed) return;
      closed = true;
      const { pool } = await ready.catch(() => ({ pool: undefined }));
      await pool?.close();
    },
  };
}
