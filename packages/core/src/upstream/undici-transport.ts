import type { Dispatcher, Pool } from 'undici';
import type { TransportFactory } from './transport.js';

/**
 * The Node transport: one keep-alive undici `Pool` per token client. undici's own header and
 * body timeouts are set to what is left of the budget, so a stalled socket fails as TIMEOUT
 * (`UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`) even before the budget's signal aborts.
 *
 * @example
 * const transport = undiciTransport(endpoint, headers, { timeoutMs: 2000, maxBodyBytes: 65536 });
 * const { status, body } = await transport.post('{"rev_info":{}}', signal, 2000);
 */
export const undiciTransport: TransportFactory = (endpoint, headers, options) => {
  const { timeoutMs, maxBodyBytes } = options;
  const pool = createRequestPool(endpoint.origin, {
    connectTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
  });
  const path = `${endpoint.pathname}${endpoint.search}`;
  return {
    async post(body, signal, timeout) {
      const response = await pool.request({
        path,
        method: 'POST',
        headers,
        body,
        signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const length = response.headers['content-length'];
      const bytes = await readLimited(response.body, length, maxBodyBytes);
      return { status: response.statusCode, headers: response.headers, body: bytes };
    },
    close: () => pool.close(),
  };
};

/** A response body as undici hands it over: async-iterable bytes that can be destroyed. */
interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

/**
 * Reads a whole body of at most `limit` bytes. A larger one (declared or actual) is
 * destroyed at once and yields `undefined`, so that a runaway or hostile endpoint cannot
 * make us buffer without bound. A body read to its end lets undici reuse the socket.
 */
async function readLimited(
  body: BodyStream,
  contentLength: unknown,
  limit: number,
): Promise<Uint8Array | undefined> {
  if (typeof contentLength === 'string' && Number(contentLength) > limit) {
    body.destroy();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The part of an undici `Pool` the transport uses. */
interface RequestPool {
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
function createRequestPool(origin: string, options: Pool.Options): RequestPool {
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
