import type { ServerResponse } from 'node:http';
import type { ByteInjector, InjectionPlan } from '../engine/engine-types.js';
import type { ResponseFacts } from '../inject/response-facts.js';
import { bodyArgs, EMPTY, isBody, toBuffer, wholeBody, withCallback } from './body-args.js';
import { nodeHeaders } from './node-headers.js';

export type Method = (this: ServerResponse, ...args: unknown[]) => unknown;
export type Patchable = Record<'writeHead' | 'write' | 'end', Method>;
export const HOOKED_METHODS = ['writeHead', 'write', 'end'] as const;

/** One response's interception. */
export interface Interception {
  decide: (facts: ResponseFacts) => InjectionPlan | undefined;
  method: string;
  decided: boolean;
  ended: boolean;
  plan: InjectionPlan | undefined;
  injector: ByteInjector | undefined;
  /** Hooked through the prototype its framework's responses share, not on the response. */
  shared: boolean;
}

// Kept aside rather than on the response: see node-response.ts for what a property costs
// there. In a Map, not a WeakMap: V8's scavenger keeps a WeakMap's values alive until it can
// tell that their keys died, and a state holds its request's whole object graph (the `decide`
// closure, the headers): in a loaded Express server every intercepted request's objects then
// survived a scavenge, +28 µs of CPU a request. An entry goes when its response ends through
// the hooks, and a sweep forgets the responses that end or close without them.
const states = new Map<ServerResponse, Interception>();
const SWEEP_EVERY_MS = 10_000;
let sweeper: NodeJS.Timeout | undefined;

/** Forgets the responses that are over: ended (not through the hooks) or destroyed. */
export function sweepInterceptions(): void {
  for (const res of states.keys()) {
    if (res.writableEnded || res.destroyed) states.delete(res);
  }
  if (states.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** How many responses are under interception now (for tests). */
export const interceptionCount = (): number => states.size;

// The methods another wrapper (compression, on-headers) had put on a response before its own
// hooks went in front of them: kept for the response's life, so that a call after its end
// still goes through that wrapper. Only such responses have an entry.
const wrapped = new WeakMap<ServerResponse, Patchable>();

/**
 * Puts `res` under interception: from now on the hooks rewrite what it sends. `original`: the
 * methods of another wrapper that the response's own hooks are about to stand in front of.
 */
export function intercept(res: ServerResponse, state: Interception, original?: Patchable): void {
  states.set(res, state);
  if (original) wrapped.set(res, original);
  sweeper ??= setInterval(sweepInterceptions, SWEEP_EVERY_MS).unref();
}

/**
 * The method a hook stands in front of: the other wrapper's, else the nearest one up the
 * prototype chain that is not a hook, looked up at call time (a hook may sit on a shared
 * prototype, and a response's prototype may change while it is handled).
 */
function nextMethod(res: ServerResponse, name: keyof Patchable, shared: boolean): Method {
  // Only a response's own hooks stand in front of another wrapper.
  const original = shared ? undefined : wrapped.get(res);
  if (original) return original[name];
  for (let proto: unknown = Object.getPrototypeOf(res); proto !== null; ) {
    const holder = proto as Patchable;
    const method = Object.hasOwn(holder, name) ? holder[name] : undefined;
    if (method && method !== HOOKS[name] && method !== SHARED_HOOKS[name]) return method;
    proto = Object.getPrototypeOf(holder);
  }
  throw new TypeError(`the response has no ${name} method`);
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

function decideOnce(res: ServerResponse, state: Interception): void {
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

function startStream(res: ServerResponse, state: Interception): void {
  decideOnce(res, state);
  if (state.plan && !state.injector) state.injector = state.plan.startStream();
}

/**
 * The same three functions for every response, its state kept aside: no closures per
 * response. One set goes on responses, the other on the prototype their framework's
 * responses share; each acts only on the responses hooked its way, and passes every other
 * call straight on: a response not intercepted, or a call coming back to the shared hook from
 * another wrapper (compression) that the response's own hooks stand in front of.
 */
function createHooks(shared: boolean): Patchable {
  const stateOf = (res: ServerResponse): Interception | undefined => {
    const state = states.get(res);
    return state?.shared === shared ? state : undefined;
  };
  return {
    writeHead(...args) {
      const state = stateOf(this);
      const writeHead = nextMethod(this, 'writeHead', shared);
      if (!state || state.decided || this.headersSent) return writeHead.apply(this, args);
      const [status, reason, fields] = args;
      const hasReason = typeof reason === 'string';
      this.statusCode = Number(status);
      adoptWriteHeadHeaders(this, hasReason ? fields : reason);
      // Headers go out now but the body comes later: it can only be streamed.
      startStream(this, state);
      return writeHead.apply(this, hasReason ? [status, reason] : [status]);
    },

    write(...args) {
      const state = stateOf(this);
      const write = nextMethod(this, 'write', shared);
      if (!state) return write.apply(this, args);
      if (!state.decided) startStream(this, state);
      const { chunk, encoding, callback } = bodyArgs(args);
      const { injector } = state;
      if (!injector || state.ended || !isBody(chunk)) return write.apply(this, args);
      return write.apply(this, withCallback(injector.push(toBuffer(chunk, encoding)), callback));
    },

    end(...args) {
      const state = stateOf(this);
      const end = nextMethod(this, 'end', shared);
      if (!state) return end.apply(this, args);
      const { chunk, encoding, callback } = bodyArgs(args);
      const body = chunk === null || chunk === undefined ? undefined : chunk;
      if (state.ended || (body !== undefined && !isBody(body))) return end.apply(this, args);
      state.ended = true;
      // From here on every call passes straight on: the state is only this call's.
      states.delete(this);
      if (!state.decided) {
        decideOnce(this, state);
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
        const write = nextMethod(this, 'write', shared);
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
}

/** Hooks set on one response. */
export const HOOKS = createHooks(false);
/** Hooks set once on a prototype shared by a framework's responses. */
export const SHARED_HOOKS = createHooks(true);
