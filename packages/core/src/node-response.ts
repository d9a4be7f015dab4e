import type { ServerResponse } from 'node:http';
import type { ByteInjector, InjectionPlan } from './engine-types.js';
import { asBuffer } from './html-injector.js';
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

/**
 * A body sent whole: a UTF-8 string stays a string (injected without encoding it twice; Node
 * writes strings as UTF-8 by default), anything else becomes bytes.
 */
function wholeBody(body: string | Uint8Array | undefined, encoding: BufferEncoding | undefined) {
  if (body === undefined) return EMPTY;
  const utf8 = encoding === undefined || encoding === 'utf8' || encoding === 'utf-8';
  return typeof body === 'string' && utf8 ? body : toBuffer(body, encoding);
}

function toBuffer(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : asBuffer(chunk);
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
  const wrapped = OWN_METHODS.some((name) => Object.hasOwn(res, name));
  states.set(res, {
    decide,
    method,
    decided: false,
    ended: false,
    plan: undefined,
    injector: undefined,
    // Another wrapper (compression, on-headers) already patched this response: ours run
    // first and call its methods, so that it still sees our bytes.
    original: wrapped
      ? { writeHead: target.writeHead, write: target.write, end: target.end }
      : undefined,
  });
  // The same three functions on every response, their state kept aside: no closures per
  // response, and every wrapped response shares one shape. Not a prototype in front of the
  // response's: Express gives the response a new prototype when a mounted sub-app handles it.
  target.writeHead = HOOKS.writeHead;
  target.write = HOOKS.write;
  target.end = HOOKS.end;
}

// Kept aside rather than on the response: a new property would give every response a new shape.
const states = new WeakMap<object, Interception>();
const OWN_METHODS = ['writeHead', 'write', 'end'] as const;

/** One response's interception. */
interface Interception {
  decide: (facts: ResponseFacts) => InjectionPlan | undefined;
  method: string;
  decided: boolean;
  ended: boolean;
  plan: InjectionPlan | undefined;
  injector: ByteInjector | undefined;
  /** The methods that were on the response itself, when another wrapper had put them there. */
  original: Patchable | undefined;
}

const stateOf = (res: object): Interception => states.get(res)!;

/** The method the hook stands in front of: the other wrapper's, else the class's, looked up now. */
function originalOf(res: ServerResponse, name: keyof Patchable): Method {
  const { original } = stateOf(res);
  return original ? original[name] : (Object.getPrototypeOf(res) as Patchable)[name];
}

function decideOnce(res: ServerResponse): void {
  const state = stateOf(res);
  if (state.decided) return;
  state.decided = true;
  if (res.headersSent) return;
  try {
    state.plan = state.decide({
      method: state.method,
      status: res.statusCode,
      headers: nodeHeaders(res),
    });
  } catch {
    state.plan = undefined;
  }
}

function startStream(res: ServerResponse): void {
  decideOnce(res);
  const state = stateOf(res);
  if (state.plan && !state.injector) state.injector = state.plan.startStream();
}

const withCallback = (chunk: Buffer | string, callback: Callback | undefined): unknown[] =>
  callback ? [chunk, callback] : [chunk];

const HOOKS: Patchable = {
  writeHead(...args) {
    const res = this as ServerResponse;
    const writeHead = originalOf(res, 'writeHead');
    if (stateOf(res).decided || res.headersSent) return writeHead.apply(this, args);
    const [status, reason, fields] = args;
    const hasReason = typeof reason === 'string';
    res.statusCode = Number(status);
    adoptWriteHeadHeaders(res, hasReason ? fields : reason);
    // Headers go out now but the body comes later: it can only be streamed.
    startStream(res);
    return writeHead.apply(this, hasReason ? [status, reason] : [status]);
  },

  write(...args) {
    const res = this as ServerResponse;
    const state = stateOf(res);
    if (!state.decided) startStream(res);
    const write = originalOf(res, 'write');
    const { chunk, encoding, callback } = bodyArgs(args);
    const { injector } = state;
    if (!injector || state.ended || !isBody(chunk)) return write.apply(this, args);
    return write.apply(this, withCallback(injector.push(toBuffer(chunk, encoding)), callback));
  },

  end(...args) {
    const res = this as ServerResponse;
    const state = stateOf(res);
    const end = originalOf(res, 'end');
    const { chunk, encoding, callback } = bodyArgs(args);
    const body = chunk === null || chunk === undefined ? undefined : chunk;
    if (state.ended || (body !== undefined && !isBody(body))) return end.apply(this, args);
    state.ended = true;
    if (!state.decided) {
      decideOnce(res);
      const { plan } = state;
      if (plan === undefined) return end.apply(this, args);
      const whole = wholeBody(body, encoding);
      if (typeof whole === 'string') {
        const out = plan.injectBody(whole);
        return end.apply(this, out === undefined ? args : withCallback(out, callback));
      }
      const parts = plan.injectBodyParts(whole);
      if (parts === undefined) return end.apply(this, args);
      // Node corks the socket for writes made in one tick: three writes, one writev.
      const write = originalOf(res, 'write');
      write.call(this, parts[0]);
      write.call(this, parts[1]);
      return end.apply(this, withCallback(parts[2], callback));
    }
    const { injector } = state;
    if (!injector) return end.apply(this, args);
    const last = body === undefined ? EMPTY : injector.push(toBuffer(body, encoding));
    return end.apply(this, withCallback(Buffer.concat([last, injector.flush()]), callback));
  },
};
