/**
 * The few byte operations the searches and the injector need, so that they run on any runtime:
 * `nodeBytes` does them with the methods of Node's buffers (memchr and Boyer-Moore-Horspool
 * inside `indexOf`), `webBytes` with plain `Uint8Array` code. Inputs may be any `Uint8Array`;
 * what a kit makes is `B`, the runtime's preferred bytes (Node's buffers, so that Node and its
 * frameworks treat them as bytes, not as objects).
 */
export interface ByteKit<B extends Uint8Array = Uint8Array> {
  /** A zero-length value, to return when there is nothing to send. */
  readonly empty: B;
  /** `bytes` as `B`, over the same memory (no copy). */
  view(bytes: Uint8Array): B;
  /** Where `needle` first starts in `haystack` at or after `from`, or -1 (as Node's `indexOf`). */
  indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number;
  /** Whether `haystack` holds all of `needle` starting at `at`. */
  equalsAt(haystack: Uint8Array, at: number, needle: Uint8Array): boolean;
  /** The parts joined into new memory; with `length`, only that many bytes (as Node's `concat`). */
  concat(parts: readonly Uint8Array[], length?: number): B;
  /** A copy of `bytes`, so that a few kept bytes do not pin the chunk they came from. */
  copy(bytes: Uint8Array): B;
  /** Copies `source[sourceStart…sourceEnd)` into `target` at `targetStart` (as Node's `copy`). */
  copyInto(
    source: Uint8Array,
    target: Uint8Array,
    targetStart: number,
    sourceStart: number,
    sourceEnd: number,
  ): void;
  /** `text` one byte per UTF-16 unit (its low 8 bits): the snippet, which is ASCII. */
  latin1(text: string): B;
  /** How many bytes `text` takes in UTF-8, a lone surrogate counting as U+FFFD (3 bytes). */
  utf8Length(text: string): number;
}

/**
 * `text` one byte per UTF-16 unit (its low 8 bits, as Node's `latin1` encoding), as a
 * plain `Uint8Array`: for ASCII constants such as the tag needles, and the snippet.
 * @example
 * latin1Bytes('</body>'); // Uint8Array [60, 47, 98, 111, 100, 121, 62]
 */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * `bytes` as text, one character per byte (the reverse of {@link latin1Bytes}), in slices
 * so that a long value does not overflow the argument list of `String.fromCharCode`.
 * (TextDecoder's `latin1` is windows-1252, which maps 0x80–0x9F elsewhere.)
 */
export function latin1Text(bytes: Uint8Array): string {
  const SLICE = 8192;
  let text = '';
  for (let at = 0; at < bytes.length; at += SLICE) {
    text += String.fromCharCode.apply(null, Array.from(bytes.subarray(at, at + SLICE)));
  }
  return text;
}

/**
 * `bytes.subarray(start, end)` typed as the kit's bytes: the `subarray` of a Node buffer is a
 * Node buffer, a Uint8Array's a Uint8Array, which TypeScript does not carry through a type
 * parameter.
 */
export const part = <B extends Uint8Array>(bytes: B, start: number, end?: number): B =>
  bytes.subarray(start, end) as B;
