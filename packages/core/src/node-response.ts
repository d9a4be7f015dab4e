import type { ServerResponse } from 'node:http';
import type { ByteInjector, InjectionPlan } from './engine-types.js';
import type { HeaderAccess, ResponseFacts } from './http-types.js';

type Callback = (error?: Error | null) => void;
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;
type Patchable = Record<'writeHead' | 'write' | 'end', Method>;

const EMPTY = Buffer.alloc(0);

/** `write`/`end` arguments in Node's order, whichever of them were left out. */
function bodyArgs(args: unknown[]): {
  chunk: unknown;
  encoding?: BufferEncoding;
  callback?: Callback;
} {
  const [chunk, second, third] = args;
  if (typeof chunk === 'function') return { chunk: undefined, callback: chunk as Callback };
  if (typeof second === 'function') return { chunk, callback: second as Callback };
  return {
    chunk,
    encoding: typeof second === 'string' ? (second as BufferEncoding) : undefined,
    callback: typeof third === 'function' ? (third as Callback) : undefined,
  };
}

const isBody = (chunk: unknown): chunk is string | Uint8Array =>
  typeof chunk === 'string' || chunk instanceof Uint8Array;

function toBuffer(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding ?? 'utf8');
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Core's {@link HeaderAccess} over a Node response's public header API. */
export function nodeHeaders(res: ServerResponse): HeaderAccess {
  return {
    get: (name) => res.getHeader(name),
    set: (name, value) => res.setHeader(name, value),
    remove: (name) => res.removeHeader(name),
  };
}

/**
 * Moves the headers given to `writeHead(status, [reason], headers)` onto the response, so that
 * they are visible to the decision (as the `on-headers` module does for compression).
 */
function adoptWriteHeadHeaders(res: ServerResponse, fields: unknown): void {
  if (Array.isArray(fields)) {
    const pairs: unknown[][] = Array.isArray(fields[0])
      ? (fields as unknown[][])
      : Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]);
    for (const [name, value] of pairs) res.appendHeader(String(name), value as string | string[]);
  } else if (typeof fields === 'object' && fields !== null) {
    for (const [name, value] of Object.entries(fields)) res.setHeader(name, value as string);
  }
}

/**
 * Rewrites a Node response's body through an {@link InjectionPlan}, the way `expressjs/compression`
 * wraps a response: `writeHead`, `write` and `end` are wrapped, and `decide` is called once, when
 * the headers are about to be sent (the first `writeHead`, `write` or `end`), with the status and
 * headers known then.
 *
 * - A body sent whole by one `end(chunk)` with nothing written before goes through
 *   `plan.injectBody` (an exact `content-length`); when that returns `undefined` the original
 *   chunk is sent unchanged.
 * - Otherwise every written chunk goes through the byte injector of `plan.startStream()`; `end`
 *   flushes it.
 * - Bytes are written to the real response synchronously, so `write()` returns the real
 *   `write()`'s result and `'drain'` is the response's own; a chunk the injector holds back is
 *   written as an empty chunk, which keeps the return value truthful and calls the callback in
 *   order. Unlike compression, there is no inner stream, so `on('drain')` needs no proxy.
 * - After `end()`, every call goes to Node unchanged: a second `end()` is harmless and a
 *   `write()` fails as Node's does.
 *
 * `decide` returning `undefined` (or throwing) leaves the response untouched.
 *
 * @example
 * interceptResponse(res, (facts) => engine.planInjection(req, resolution, facts), req.method);
 */
export function interceptResponse(
  res: ServerResponse,
  decide: (facts: ResponseFacts) => InjectionPlan | undefined,
  method: string,
): void {
  const target = res as unknown as Patchable;
  const original = { writeHead: target.writeHead, write: target.write, end: target.end };
  const headers = nodeHeaders(res);
  let decided = false;
  let ended = false;
  let plan: InjectionPlan | undefined;
  let injector: ByteInjector | undefined;

  const decideOnce = (): void => {
    if (decided) return;
    decided = true;
    if (res.headersSent) return;
    try {
      plan = decide({ method, status: res.statusCode, headers });
    } catch {
      plan = undefined;
    }
  };
  const startStream = (): void => {
    decideOnce();
    if (plan && !injector) injector = plan.startStream();
  };
  const withCallback = (chunk: Buffer, callback: Callback | undefined): unknown[] =>
    callback ? [chunk, callback] : [chunk];

  target.writeHead = function writeHead(...args) {
    if (decided || res.headersSent) return original.writeHead.apply(this, args);
    const [status, reason, fields] = args;
    const hasReason = typeof reason === 'string';
    res.statusCode = Number(status);
    adoptWriteHeadHeaders(res, hasReason ? fields : reason);
    // Headers go out now but the body comes later: it can only be streamed.
    startStream();
    return original.writeHead.apply(this, hasReason ? [status, reason] : [status]);
  };

  target.write = function write(...args) {
    if (!decided) startStream();
    const { chunk, encoding, callback } = bodyArgs(args);
    if (!injector || ended || !isBody(chunk)) return original.write.apply(this, args);
    return original.write.apply(
      this,
      withCallback(injector.push(toBuffer(chunk, encoding)), callback),
    );
  };

  target.end = function end(...args) {
    const { chunk, encoding, callback } = bodyArgs(args);
    const body = chunk === null || chunk === undefined ? undefined : chunk;
    if (ended || (body !== undefined && !isBody(body))) return original.end.apply(this, args);
    ended = true;
    if (!decided) {
      decideOnce();
      const whole = plan?.injectBody(body === undefined ? EMPTY : toBuffer(body, encoding));
      return original.end.apply(this, whole ? withCallback(whole, callback) : args);
    }
    if (!injector) return original.end.apply(this, args);
    const last = body === undefined ? EMPTY : injector.push(toBuffer(body, encoding));
    return original.end.apply(
      this,
      withCallback(Buffer.concat([last, injector.flush()]), callback),
    );
  };
}
