import { type ByteKit, part } from './bytes.js';
import type { ByteInjector } from './injection-plan.js';
import { createScriptSrcFinders, type ScriptSrcFinders } from './script-src-search.js';
import { createStreamFinder, type StreamFinder } from './stream-finder.js';
import {
  BODY_TAG,
  HTML_TAG,
  lastTag,
  partialTagLength,
  TAG_LENGTH,
  type TagNeedle,
} from './tag-search.js';

/** The last `needle` in `chunk`, else across `seam`, as a position from `chunkStart`/`seamStart`. */
function lastTagIn(
  kit: ByteKit,
  needle: TagNeedle,
  chunk: Uint8Array,
  chunkStart: number,
  seam: Uint8Array,
  seamStart: number,
): number {
  const inside = lastTag(chunk, needle, kit);
  if (inside !== -1) return chunkStart + inside;
  const across = seam.length > 0 ? lastTag(seam, needle, kit) : -1;
  return across === -1 ? -1 : seamStart + across;
}

/**
 * The streaming injector. It never decodes: it passes bytes through until it sees a candidate
 * tag, exactly `</body>` or `</html>` (7 bytes, any letter case; `</body >` is not one), and
 * then holds the bytes from the latest candidate on, because only the end of the body tells
 * which candidate is the last. Otherwise it holds at most 6 bytes that could begin a tag split
 * across chunks. A `</body>` beats every `</html>`, whatever their order. What it returns are
 * the kit's bytes (`B`): views of the chunks pushed, or new bytes where it had to join some.
 */
export class HtmlInjector<B extends Uint8Array = Uint8Array> implements ByteInjector<B> {
  readonly #kit: ByteKit<B>;
  readonly #snippet: Uint8Array;
  readonly #src: StreamFinder;
  /** Bytes not sent yet: from the candidate tag on, or a possible start of a split tag. */
  #held: B[] = [];
  #heldLength = 0;
  /** The tag the held bytes start with, once a candidate was seen. */
  #candidate: TagNeedle | undefined;
  /** The page already loads plug.js, or flush ran: pass everything through. */
  #passThrough = false;
  #leftAlone = false;

  constructor(snippet: Uint8Array, scriptSrc: ScriptSrcFinders, kit: ByteKit<B>) {
    this.#kit = kit;
    this.#snippet = snippet;
    this.#src = createStreamFinder(scriptSrc, kit);
  }

  /** Bytes kept back right now (held body bytes and the scriptSrc carry-over), for tests. */
  get heldBytes(): number {
    return this.#heldLength + this.#src.carried;
  }

  /** Whether the page turned out to load plug.js already, so nothing was injected. */
  get leftAlone(): boolean {
    return this.#leftAlone;
  }

  push(input: Uint8Array): B {
    const kit = this.#kit;
    const chunk = kit.view(input);
    if (chunk.length === 0) return kit.empty;
    if (!this.#passThrough && this.#src.seen(chunk)) this.#passThrough = this.#leftAlone = true;
    // Most chunks arrive with nothing held: they are searched alone and sent without a copy.
    if (this.#heldLength === 0) return this.#passThrough ? chunk : this.#pushAlone(chunk);
    const tail = this.#passThrough ? kit.empty : this.#tail(TAG_LENGTH - 1);
    this.#held.push(chunk);
    this.#heldLength += chunk.length;
    if (this.#passThrough) return this.#take(this.#heldLength);
    // Positions count from the first held byte. A tag may start in the held bytes and end in
    // this chunk, so the seam between them is searched as well.
    const chunkStart = this.#heldLength - chunk.length;
    const seam = kit.concat([tail, chunk.subarray(0, TAG_LENGTH - 1)]);
    const at = this.#nextCandidate(chunk, chunkStart, seam, chunkStart - tail.length);
    // A new candidate: everything before it goes out, the rest waits for a later one.
    if (at !== -1) return this.#take(at);
    if (this.#candidate) return kit.empty;
    const keep = partialTagLength(
      chunk.length >= TAG_LENGTH - 1 ? chunk : this.#tail(TAG_LENGTH - 1),
    );
    const out = this.#take(this.#heldLength - keep);
    // Copy the few bytes kept so that they do not pin the whole chunk in memory.
    if (keep > 0) this.#held = [kit.concat(this.#held, keep)];
    return out;
  }

  /** {@link push} for a chunk that arrives with nothing held (so no candidate yet either). */
  #pushAlone(chunk: B): B {
    const kit = this.#kit;
    const at = this.#nextCandidate(chunk, 0, kit.empty, 0);
    const keep = at !== -1 ? chunk.length - at : partialTagLength(chunk);
    if (keep === 0) return chunk;
    // A candidate pins its chunk until the end or a later candidate; a split tag's start is
    // copied, so that its few bytes do not pin the whole chunk.
    this.#held.push(at !== -1 ? part(chunk, at) : kit.copy(chunk.subarray(-keep)));
    this.#heldLength = keep;
    return keep === chunk.length ? kit.empty : part(chunk, 0, chunk.length - keep);
  }

  /**
   * Where the latest candidate tag in `chunk` (or across `seam`, the bytes either side of the
   * chunk's start) begins, counted from the first held byte, and notes which tag it is; -1
   * when there is none. A `</body>` beats every `</html>`, whatever their order.
   */
  #nextCandidate(
    chunk: Uint8Array,
    chunkStart: number,
    seam: Uint8Array,
    seamStart: number,
  ): number {
    const kit = this.#kit;
    let at = lastTagIn(kit, BODY_TAG, chunk, chunkStart, seam, seamStart);
    if (at !== -1) this.#candidate = BODY_TAG;
    else if (this.#candidate !== BODY_TAG) {
      at = lastTagIn(kit, HTML_TAG, chunk, chunkStart, seam, seamStart);
      if (at !== -1) this.#candidate = HTML_TAG;
    }
    return at;
  }

  flush(): B {
    const held = this.#take(this.#heldLength);
    if (this.#passThrough) return held;
    this.#passThrough = true;
    // Held bytes start with the candidate tag; with none, the snippet goes at the end.
    return this.#kit.concat(this.#candidate ? [this.#snippet, held] : [held, this.#snippet]);
  }

  /** The last `n` held bytes (fewer when fewer are held). */
  #tail(n: number): Uint8Array {
    const last = this.#held.at(-1);
    if (last && last.length >= n) return last.subarray(last.length - n);
    const all = this.#kit.concat(this.#held);
    return all.subarray(Math.max(0, all.length - n));
  }

  /** Removes and returns the first `n` held bytes; a single whole chunk is not copied. */
  #take(n: number): B {
    if (n <= 0) return this.#kit.empty;
    // The common case, n within the first held chunk: no array, no copy.
    const first = this.#held[0]!;
    if (first.length >= n) {
      this.#heldLength -= n;
      if (first.length === n) return this.#held.shift()!;
      this.#held[0] = part(first, n);
      return part(first, 0, n);
    }
    const parts: B[] = [];
    let need = n;
    while (need > 0) {
      const next = this.#held[0]!;
      if (next.length <= need) {
        parts.push(next);
        this.#held.shift();
        need -= next.length;
      } else {
        parts.push(part(next, 0, need));
        this.#held[0] = part(next, need);
        need = 0;
      }
    }
    this.#heldLength -= n;
    return this.#kit.concat(parts, n);
  }
}

/**
 * A streaming injector: the snippet goes in once, right before the last `</body>` (any letter
 * case), else the last `</html>`, else at the end. A body that contains `scriptSrc` anywhere
 * comes out unchanged. Memory stays small unless much follows the last candidate tag.
 * Chunks are held by reference, not copied: do not change a chunk after pushing it. `kit` is
 * the runtime's byte kit (`nodeBytes`, `webBytes`); the injector returns its kind of bytes.
 * @example
 * const injector = createHtmlInjector(new TextEncoder().encode(snippet), scriptSrc, webBytes);
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * const out = [injector.push(bytes('<body>hi</bo')), injector.push(bytes('dy>')), injector.flush()];
 */
export function createHtmlInjector<B extends Uint8Array>(
  snippet: Uint8Array,
  scriptSrc: string | ScriptSrcFinders,
  kit: ByteKit<B>,
): HtmlInjector<B> {
  const finders =
    typeof scriptSrc === 'string' ? createScriptSrcFinders(scriptSrc, kit) : scriptSrc;
  return new HtmlInjector(snippet, finders, kit);
}
