import { ServerResponse } from 'node:http';
import type { InjectionPlan } from '../engine/engine-types.js';
import { frameworkPrototypeOf } from './framework-prototype.js';
import type { ResponseFacts } from '../inject/response-facts.js';
import {
  HOOKED_METHODS,
  HOOKS,
  type Interception,
  intercept,
  type Patchable,
  SHARED_HOOKS,
} from './response-hooks.js';

export { nodeHeaders } from './node-headers.js';

/** The prototype {@link frameworkPrototypeOf} finds, if it has no writeHead, write or end of its own. */
function sharedPrototypeOf(res: ServerResponse): Patchable | undefined {
  const shared = frameworkPrototypeOf(res, ServerResponse.prototype) as Patchable | undefined;
  const free =
    shared !== undefined &&
    HOOKED_METHODS.every(
      (name) => !Object.hasOwn(shared, name) || shared[name] === SHARED_HOOKS[name],
    );
  return free ? shared : undefined;
}

/**
 * The shared prototype to hook `res` through, or `undefined` for hooks of its own. A wrapper
 * of `writeHead` alone already on the response (`on-headers`: express-session, morgan) may
 * stand in front of the shared hooks: it only sets headers before they go out, and the
 * decision then sees them. But only if it found the hooks there (an earlier response put
 * them): else its `writeHead` would go straight to Node's. A wrapper of `write` or `end`
 * (compression) must see our bytes: the response gets hooks of its own, in front of it.
 */
function sharedHooksFor(res: ServerResponse): Patchable | undefined {
  const shared = sharedPrototypeOf(res);
  if (shared === undefined || Object.hasOwn(res, 'write') || Object.hasOwn(res, 'end')) {
    return undefined;
  }
  if (Object.hasOwn(res, 'writeHead') && shared.writeHead !== SHARED_HOOKS.writeHead) {
    return undefined;
  }
  return shared;
}

function installHooks(target: Patchable): void {
  for (const name of HOOKED_METHODS) {
    if (Object.hasOwn(target, name) && target[name] === SHARED_HOOKS[name]) continue;
    Object.defineProperty(target, name, {
      value: SHARED_HOOKS[name],
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

/**
 * Rewrites a Node response's body through an {@link InjectionPlan}, the way `expressjs/compression`
 * wraps a response: `writeHead`, `write` and `end` are hooked, and `decide` is called once, when
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
  const shared = sharedHooksFor(res);
  const wrapped = shared === undefined && HOOKED_METHODS.some((name) => Object.hasOwn(res, name));
  const state: Interception = {
    decide,
    method,
    decided: false,
    ended: false,
    plan: undefined,
    injector: undefined,
    shared: shared !== undefined,
  };
  // Another wrapper (compression, on-headers) already patched this response: ours run first
  // and call its methods, so that it still sees our bytes.
  const others = wrapped
    ? { writeHead: target.writeHead, write: target.write, end: target.end }
    : undefined;
  intercept(res, state, others);
  // Three properties added to an Express response cost more than the rest of the injection
  // (see frameworkPrototypeOf): where responses share a prototype of their framework's, the
  // hooks go there, once, and pass the responses that are not intercepted straight on. Not
  // in front of the response's own prototype: Express replaces it when a mounted sub-app
  // handles the page (a sub-app's prototypes inherit from the shared one).
  if (shared) {
    installHooks(shared);
    return;
  }
  target.writeHead = HOOKS.writeHead;
  target.write = HOOKS.write;
  target.end = HOOKS.end;
}
