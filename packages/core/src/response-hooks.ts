import type { ServerResponse } from 'node:http';
import type { ByteInjector, InjectionPlan } from './engine-types.js';
import type { ResponseFacts } from './http-types.js';
import { bodyArgs, EMPTY, isBody, toBuffer, wholeBody, withCallback } from './node-body-args.js';
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
  /** The methods that were on the response itself, when another wrapper had put them there. */
  original: Patchable | undefined;
  /** Hooked through the prototype its framework's responses share, not on the response. */
  shared: boolean;
}

// Kept aside rather than on the response: see node-response.ts for what a property costs there.
const states = new WeakMap<object, Interception>();

/** Puts `res` under interception: from now on the hooks rewrite what it sends. */
export const intercept = (res: ServerResponse, state: Interception): void =>
  void states.set(res, state);

/**
 * The method a hook stands in front of: the other wrapper's, else the nearest one up the
 * prototype chain that is not a hook, looked up at call time (a hook may sit on a shared
 * prototype, and a response's prototype may change while it is handled).
 */
function nextMethod(res: ServerResponse, name: keyof Patchable, state?: Interception): Method {
  if (state?.original) return state.original[name];
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
      const writeHead = nextMethod(this, 'writeHead', state);
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
      const write = nextMethod(this, 'write', state);
      if (!state) return write.apply(this, args);
      if (!state.decided) startStream(this, state);
      const { chunk, encoding, callback } = bodyArgs(args);
      const { injector } = state;
      if (!injector || state.ended || !isBody(chunk)) return write.apply(this, args);
      return write.apply(this, withCallback(injector.push(toBuffer(chunk, encoding)), callback));
    },

    end(...args) {
      const state = stateOf(this);
      const end = nextMethod(this, 'end', state);
      if (!state) return end.apply(this, args);
      const { chunk, encoding, callback } = bodyArgs(args);
      const body = chunk === null || chunk === undefined ? undefined : chunk;
      if (state.ended || (body !== undefined && !isBody(body))) return end.apply(this, args);
      state.ended = true;
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
        const write = nextMethod(this, 'write', state);
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
