import { asBuffer } from '../inject/node-bytes.js';

/** A `write`/`end` callback. */
export type Callback = (error?: Error | null) => void;

export const EMPTY = Buffer.alloc(0);

/** `write`/`end` arguments in Node's order, whichever of them were left out. */
export function bodyArgs(args: ArrayLike<unknown>): {
  chunk: unknown;
  encoding?: BufferEncoding;
  callback?: Callback;
} {
  const [chunk, second, third] = [args[0], args[1], args[2]];
  if (typeof chunk === 'function') return { chunk: undefined, callback: chunk as Callback };
  if (typeof second === 'function') return { chunk, callback: second as Callback };
  return {
    chunk,
    encoding: typeof second === 'string' ? (second as BufferEncoding) : undefined,
    callback: typeof third === 'function' ? (third as Callback) : undefined,
  };
}

export const isBody = (chunk: unknown): chunk is string | Uint8Array =>
  typeof chunk === 'string' || chunk instanceof Uint8Array;

/**
 * A body sent whole: a UTF-8 string stays a string (injected without encoding it twice; Node
 * writes strings as UTF-8 by default), anything else becomes bytes.
 */
export function wholeBody(
  body: string | Uint8Array | undefined,
  encoding: BufferEncoding | undefined,
): string | Buffer {
  if (body === undefined) return EMPTY;
  const utf8 = encoding === undefined || encoding === 'utf8' || encoding === 'utf-8';
  return typeof body === 'string' && utf8 ? body : toBuffer(body, encoding);
}

export function toBuffer(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : asBuffer(chunk);
}

export const withCallback = (
  chunk: Uint8Array | string,
  callback: Callback | undefined,
): unknown[] => (callback ? [chunk, callback] : [chunk]);
