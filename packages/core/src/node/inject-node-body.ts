import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { InjectionPlan } from '../inject/injection-plan.js';
import { asBuffer } from '../inject/node-bytes.js';
import { injectNodeStream } from './inject-stream.js';

const isNodeReadable = (body: object): body is Readable =>
  typeof (body as Partial<Readable>).pipe === 'function' &&
  typeof (body as Partial<Readable>).on === 'function';

const isWebReadable = (body: object): body is ReadableStream =>
  typeof (body as Partial<ReadableStream>).getReader === 'function';

/**
 * Injects into a body as Node frameworks hand it on after the app has answered (Koa's
 * `ctx.body`, Fastify's `onSend` payload), in fastify-compress's order: a string or a Buffer
 * at once; a Node readable stream, then a Web `ReadableStream` (as a Node one) through the
 * streaming injector; anything else (JSON objects, `null`) is left alone.
 * `plan` is asked only for a body that could be a page. Returns the new body, or `undefined`
 * to keep the one given. A new string body's `content-length` is left to the framework, which
 * sets it from the body it sends. `onStreamFailure`: see {@link injectNodeStream}.
 * @example
 * const body = injectNodeBody(ctx.body, () => planResponse(ctx.status, headers));
 * if (body !== undefined) ctx.body = body;
 */
export function injectNodeBody(
  body: unknown,
  plan: () => InjectionPlan | undefined,
  onStreamFailure?: (error: Error) => void,
): string | Buffer | Readable | undefined {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    // Koa's body setter and Fastify's end of onSend measure a string body themselves.
    const out = plan()?.injectBody(body, true);
    // Koa and Fastify take only a Buffer as bytes (a plain Uint8Array would be sent as JSON).
    return typeof out === 'object' ? asBuffer(out) : out;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const node = isNodeReadable(body);
  if (!node && !isWebReadable(body)) return undefined;
  const current = plan();
  if (current === undefined) return undefined;
  const source = node ? body : Readable.fromWeb(body as ReadableStream);
  return injectNodeStream(current, source, onStreamFailure);
}
