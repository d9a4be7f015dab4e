import type { ByteKit } from './bytes.js';

const { indexOf, compare, copy } = Buffer.prototype;
const EMPTY = Buffer.alloc(0);

/**
 * `bytes` as a Buffer over the same memory: itself when it is one (no copy either way).
 * @example
 * asBuffer(new TextEncoder().encode('<p>')); // <Buffer 3c 70 3e>
 */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The byte kit of the Node build: `Buffer`'s own methods, called on any `Uint8Array` (they
 * accept one as `this`), so a search is `Buffer#indexOf`'s memchr, or its Boyer-Moore-Horspool
 * skip for needles of 7 bytes or more. What it makes are Buffers, so that Node streams, Koa and
 * Fastify treat the injected bytes as bytes.
 * @example
 * nodeBytes.indexOf(page, latin1Bytes('</body>'), 0);
 */
export const nodeBytes: ByteKit<Buffer> = {
  empty: EMPTY,
  view: asBuffer,
  indexOf: (haystack, needle, from) => indexOf.call(haystack, needle, from),
  equalsAt: (haystack, at, needle) =>
    at >= 0 &&
    at + needle.length <= haystack.length &&
    compare.call(haystack, needle, 0, needle.length, at, at + needle.length) === 0,
  concat: (parts, length) => Buffer.concat(parts, length),
  copy: (bytes) => Buffer.from(bytes),
  copyInto: (source, target, targetStart, sourceStart, sourceEnd) => {
    copy.call(source, target, targetStart, sourceStart, sourceEnd);
  },
  latin1: (text) => Buffer.from(text, 'latin1'),
  utf8Length: (text) => Buffer.byteLength(text),
};
