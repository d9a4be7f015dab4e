import type { ServerResponse } from 'node:http';
import type { ResponsePlanner } from '../engine/plug-session-types.js';
import type { ByteInjector, InjectionPlan } from '../inject/injection-plan.js';
import { bodyArgs, EMPTY, isBody, toBuffer, wholeBody, withCallback } from './body-args.js';
import { nodeHeaders } from './node-headers.js';

type Method = (this: ServerResponse, ...args: unknown[]) => unknown;
type Hooked = Record<'writeHead' | 'write' | 'end', Method>;

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
 * Rewrites one Node response's body through the plan `planResponse` gives, the way
 * `expressjs/compression` wraps a response: `writeHead`, `write` and `end` of this response
 * alone are wrapped (whatever they were: Node's, or another wrapper's such as compression's or
 * on-headers', which then still sees our bytes), and `planResponse` is called once, when the
 * headers are about to be sent (the first `writeHead`, `write` or `end`). Nothing shared by
 * other responses is touched, and nothing outlives the response.
 *
 * - A body sent whole by one `end(chunk)` with nothing written before goes through
 *   `plan.injectBody` (an exact `content-length`); when that returns `undefined` the original
 *   chunk is sent unchanged.
 * - Otherwise every written chunk goes through the byte injector of `plan.startStream()`; `end`
 *   flushes it.
 * - Bytes are written to the real response synchronously, so `write()` returns the real
 *   `write()`'s result and `'drain'` is the response's own; a chunk the injector holds back is
 *   written as an empty chunk, which keeps the return value truthful and calls the callback in
 *   order.
 * - After `end()`, every call goes straight through: a second `end()` is harmless and a
 *   `write()` fails as Node's does.
 *
 * `planResponse` returning `undefined` (or throwing) leaves the response untouched.
 *
 * @example
 * if (outcome.planResponse) interceptResponse(res, outcome.planResponse);
 */
export function interceptResponse(res: ServerResponse, planResponse: ResponsePlanner): void {
  const target = res as unknown as Hooked;
  const { writeHead, write, end } = target;
  let decided = false;
  let ended = false;
  let plan: InjectionPlan | undefined;
  let injector: ByteInjector | undefined;

  const decide = (): void => {
    if (decided) return;
    decided = true;
    if (res.headersSent) return;
    try {
      plan = planResponse(res.statusCode, nodeHeaders(res));
    } catch {
      plan = undefined;
    }
  };
  const startStream = (): void => {
    decide();
    if (plan && !injector) injector = plan.startStream();
  };

  target.writeHead = function plugSessionWriteHead(...args) {
    if (decided || this.headersSent) return writeHead.apply(this, args);
    const [status, reason, fields] = args;
    const hasReason = typeof reason === 'string';
    this.statusCode = Number(status);
    adoptWriteHeadHeaders(this, hasReason ? fields : reason);
    // Headers go out now but the body comes later: it can only be streamed.
    startStream();
    return writeHead.apply(this, hasReason ? [status, reason] : [status]);
  };

  target.write = function plugSessionWrite(...args) {
    if (!decided) startStream();
    const { chunk, encoding, callback } = bodyArgs(args);
    if (!injector || ended || !isBody(chunk)) return write.apply(this, args);
    return write.apply(this, withCallback(injector.push(toBuffer(chunk, encoding)), callback));
  };

  target.end = function plugSessionEnd(...args) {
    const { chunk, encoding, callback } = bodyArgs(args);
    const body = chunk === null || chunk === undefined ? undefined : chunk;
    if (ended || (body !== undefined && !isBody(body))) return end.apply(this, args);
    ended = true;
    if (!decided) {
      decide();
      if (plan === undefined) return end.apply(this, args);
      const whole = wholeBody(body, encoding);
      if (typeof whole === 'string') {
        const out = plan.injectBody(whole);
        return end.apply(this, out === undefined ? args : withCallback(out, callback));
      }
      const parts = plan.injectBodyParts(whole);
      if (parts === undefined) return end.apply(this, args);
      // Node corks the socket for writes made in one tick: three writes, one writev.
      write.call(this, parts[0]);
      write.call(this, parts[1]);
      return end.apply(this, withCallback(parts[2], callback));
    }
    if (!injector) return end.apply(this, args);
    const last = body === undefined ? EMPTY : injector.push(toBuffer(body, encoding));
    return end.apply(this, withCallback(Buffer.concat([last, injector.flush()]), callback));
  };
}
