import type { ResponsePlanner } from '../engine/plug-session-types.js';
import type { ByteInjector, InjectionPlan } from '../inject/injection-plan.js';
import { webBytes } from '../inject/web-bytes.js';
import { webHeaders } from './web-headers.js';

type Read = Awaited<ReturnType<ReadableStreamDefaultReader<unknown>['read']>>;

// Enough turns for a chunk that is already there (a body made from a string or bytes, a stream
// whose route enqueued synchronously) to come out of a runtime's reader: 1 or 2 on Node, Bun
// and Deno. A read still pending after them waits for I/O, and is not waited for here.
const TURNS = 4;
// What is read ahead before the response is handed on, at most: a page's worth.
const READ_AHEAD = 64 * 1024;

/** `read`'s result if it settles within {@link TURNS} microtask turns, else `undefined`. */
function alreadyThere(read: Promise<Read>): Promise<Read | undefined> {
  let turns: Promise<undefined> = Promise.resolve(undefined);
  for (let i = 1; i < TURNS; i++) turns = turns.then(() => undefined);
  return Promise.race([read, turns]);
}

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

/** What was read of the original body before the response is handed on. */
interface ReadAhead {
  /** The original body's chunks so far, as bytes. */
  chunks: Uint8Array[];
  /** The body ended: `chunks` are the whole of it. */
  done: boolean;
  /** A read of the original body that was not there yet (or failed): the stream's first. */
  pending: Promise<Read> | undefined;
}

/**
 * Reads the original body while its chunks are already there, up to {@link READ_AHEAD} bytes,
 * without waiting for I/O: a page made at once (from a string, bytes, a stream filled in one
 * go) is read whole here; of a page still being made, what it has made so far.
 */
async function readAhead(reader: ReadableStreamDefaultReader<unknown>): Promise<ReadAhead> {
  const chunks: Uint8Array[] = [];
  let pending: Promise<Read> | undefined = reader.read();
  for (let size = 0; size < READ_AHEAD; ) {
    let next: Read | undefined;
    try {
      next = await alreadyThere(pending);
    } catch {
      break; // the new body's first read fails with the original body's error
    }
    if (next === undefined) break;
    if (next.done) return { chunks, done: true, pending: undefined };
    const bytes = chunkBytes(next.value);
    chunks.push(bytes);
    size += bytes.length;
    pending = reader.read();
  }
  return { chunks, done: false, pending };
}

/**
 * The rest of the body passed through `injector`, as one stream that reads the original only
 * when its own reader asks (a high-water mark of 0): a slow client slows the route. It starts
 * with what was read ahead. One plain stream over the original's reader rather than a
 * `TransformStream` and a pipe: the same bytes, errors and cancellation, with one stream to set
 * up per response instead of three and no pipe (web streams are costly to create on Node 20).
 */
function injectedBody(
  reader: ReadableStreamDefaultReader<unknown>,
  injector: ByteInjector,
  first: readonly Uint8Array[],
  next: Promise<Read> | undefined,
): ReadableStream<Uint8Array> {
  let out = first.map((chunk) => injector.push(chunk)).filter((bytes) => bytes.length > 0);
  let pending = next;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (out.length > 0) {
          for (const bytes of out) controller.enqueue(bytes);
          out = [];
          return;
        }
        try {
          // A pull that enqueues nothing is not called again: read on while the injector holds
          // everything (a possible tag split across chunks).
          for (;;) {
            const next = await (pending ?? reader.read());
            pending = undefined;
            if (next.done) {
              const rest = injector.flush();
              if (rest.length > 0) controller.enqueue(rest);
              controller.close();
              return;
            }
            const bytes = injector.push(chunkBytes(next.value));
            if (bytes.length > 0) {
              controller.enqueue(bytes);
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
 * Injects the snippet into a Web `Response` (Hono's `c.res`, a fetch handler's answer):
 * `planResponse` (the engine's `outcome.planResponse`) decides from its status and a copy of
 * its headers. When it plans an injection, the result is a new `Response` with the same status
 * and the rewritten copy of the headers (`etag` and `last-modified` dropped, `private,
 * no-store` for a user's token). Its body is the original one passed through the byte
 * injector:
 * - what the original body has already made is read at once (never waiting for I/O, at most
 *   64 KiB): a page made whole (from a string, bytes, or a stream filled in one go) comes back
 *   as one body of exact `content-length`, which a server sends in one write;
 * - the rest of a page still being made streams on as the new body is read, so the first bytes
 *   go out before the page has finished, and a `</body>` split across chunks is found
 *   (`content-length` removed). Cancelling the new body cancels the original, and the
 *   original's error reaches it.
 *
 * Otherwise (no body, HEAD, not HTML, 204/206, encoded, or the planner declined) it resolves to
 * `response` itself, untouched. The original response's headers are never changed, so
 * immutable ones (a `fetch()` response's) are fine.
 * @example
 * if (outcome.planResponse) return injectIntoResponse(await route(request), outcome.planResponse);
 */
export async function injectIntoResponse(
  response: Response,
  planResponse: ResponsePlanner,
): Promise<Response> {
  // The status and headers first, the body last: most responses a page's middleware sees are
  // not HTML, and reading `body` turns a runtime's lightweight response (@hono/node-server's,
  // made from a string) into a full one with a stream.
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
  const init = { status: response.status, statusText: response.statusText, headers };
  const reader = body.getReader();
  const ahead = await readAhead(reader);
  if (ahead.done) {
    // The whole page: injected at once, with its exact content-length (or, when it already
    // loads scriptSrc, left as it was, headers included).
    const { chunks } = ahead;
    const whole = chunks.length === 1 ? chunks[0]! : webBytes.concat(chunks);
    // Bytes of a response body or made here: never a view of a SharedArrayBuffer.
    const page = (plan.injectBody(whole) ?? whole) as Uint8Array<ArrayBuffer>;
    return new Response(page, init);
  }
  const injector = plan.startStream();
  return new Response(injectedBody(reader, injector, ahead.chunks, ahead.pending), init);
}
