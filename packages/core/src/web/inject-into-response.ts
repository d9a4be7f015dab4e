import type { ResponsePlanner } from '../engine/plug-session-types.js';
import type { ByteInjector, InjectionPlan } from '../inject/injection-plan.js';
import { webHeaders } from './web-headers.js';

/**
 * A chunk of a body stream as bytes: a text stream's strings are encoded as UTF-8, any other
 * view of memory is viewed as bytes (never copied).
 */
function chunkBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  // Rare (a stream of text), so no encoder is made for the byte streams of every response.
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError('a response body stream gave a chunk that is neither bytes nor text');
}

/**
 * The body `source` passed through `injector`, as one stream that reads `source` only when its
 * own reader asks (a high-water mark of 0): the first bytes go out before `source` has finished,
 * and a slow client slows the route. One plain stream over `source`'s reader rather than a
 * `TransformStream` and a pipe: the same bytes, errors and cancellation, with one stream to set
 * up per response instead of three and no pipe (web streams are costly to create on Node 20).
 */
function injectedBody(
  source: ReadableStream<unknown>,
  injector: ByteInjector,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // A pull that enqueues nothing is not called again: read on while the injector holds
          // everything (a possible tag split across chunks).
          for (;;) {
            const next = await reader.read();
            if (next.done) {
              const rest = injector.flush();
              if (rest.length > 0) controller.enqueue(rest);
              controller.close();
              return;
            }
            const out = injector.push(chunkBytes(next.value));
            if (out.length > 0) {
              controller.enqueue(out);
              return;
            }
          }
        } catch (error) {
          // As a pipe would: a body that cannot be passed on is cancelled at its source.
          reader.cancel(error).catch(() => {});
          throw error;
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * Injects the snippet into a Web `Response` (Hono's `c.res`, a fetch handler's answer) as it
 * streams: `planResponse` (the engine's `outcome.planResponse`) decides from its status and a
 * copy of its headers; when it plans an injection, the result is a new `Response` with the
 * same status and the rewritten copy of the headers (`content-length` removed, `etag` and
 * `last-modified` dropped, `private, no-store` for a user's token), whose body is the original
 * one passed through the byte injector as it is read: the first bytes go out before the page
 * has finished, and a `</body>` split across chunks is found. Otherwise (no body, HEAD, not
 * HTML, 204/206, encoded, or the planner declined) it returns `response` itself, untouched. The
 * original response's headers are never changed, so immutable ones (a `fetch()` response's)
 * are fine.
 * @example
 * if (outcome.planResponse) return injectIntoResponse(await route(request), outcome.planResponse);
 */
export function injectIntoResponse(response: Response, planResponse: ResponsePlanner): Response {
  // The status and headers first, the body last: most responses a page's middleware sees are
  // not HTML, and reading `body` turns a runtime's lightweight response (@hono/node-server's,
  // made from a string) into a full one with a stream, which then loses its one-write path.
  const headers = new Headers(response.headers);
  let plan: InjectionPlan | undefined;
  try {
    plan = planResponse(response.status, webHeaders(headers));
  } catch {
    plan = undefined;
  }
  if (plan === undefined) return response;
  const body = response.body;
  if (body === null) return response;
  return new Response(injectedBody(body, plan.startStream()), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
