import type { ResponsePlanner } from '../engine/plug-session-types.js';
import type { ByteInjector, InjectionPlan } from '../inject/injection-plan.js';
import { webHeaders } from './web-headers.js';

/**
 * A chunk of a body stream as bytes: a text stream's strings are encoded as UTF-8, any other
 * view of memory is viewed as bytes (never copied).
 */
function chunkBytes(chunk: unknown, encoder: { encode(text: string): Uint8Array }): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError('a response body stream gave a chunk that is neither bytes nor text');
}

/** A `TransformStream` that passes a body through `injector`: bytes go out as they come. */
function injectingStream(injector: ByteInjector): TransformStream<unknown, Uint8Array> {
  const encoder = new TextEncoder();
  return new TransformStream<unknown, Uint8Array>({
    transform(chunk, controller) {
      const out = injector.push(chunkBytes(chunk, encoder));
      if (out.length > 0) controller.enqueue(out);
    },
    flush(controller) {
      const out = injector.flush();
      if (out.length > 0) controller.enqueue(out);
    },
  });
}

/**
 * Injects the snippet into a Web `Response` (Hono's `c.res`, a fetch handler's answer) as it
 * streams: `planResponse` (the engine's `outcome.planResponse`) decides from its status and a
 * copy of its headers; when it plans an injection, the result is a new `Response` with the
 * same status and the rewritten copy of the headers (`content-length` removed, `etag` and
 * `last-modified` dropped, `private, no-store` for a user's token), whose body is the original
 * one piped through the byte injector: the first bytes go out before the page has finished,
 * and a `</body>` split across chunks is found. Otherwise (no body, HEAD, not HTML, 204/206,
 * encoded, or the planner declined) it returns `response` itself, untouched. The original
 * response's headers are never changed, so immutable ones (a `fetch()` response's) are fine.
 * @example
 * if (outcome.planResponse) return injectIntoResponse(await route(request), outcome.planResponse);
 */
export function injectIntoResponse(response: Response, planResponse: ResponsePlanner): Response {
  if (response.body === null) return response;
  const headers = new Headers(response.headers);
  let plan: InjectionPlan | undefined;
  try {
    plan = planResponse(response.status, webHeaders(headers));
  } catch {
    plan = undefined;
  }
  if (plan === undefined) return response;
  const injector = plan.startStream();
  return new Response(response.body.pipeThrough(injectingStream(injector)), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
