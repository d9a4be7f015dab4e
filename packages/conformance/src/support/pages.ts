import { PassThrough, type Readable } from 'node:stream';
import type { BodyStyle, RouteSpec } from '../driver.js';

export const STYLES: readonly BodyStyle[] = ['string', 'buffer', 'chunks', 'stream'];

export const HTML = 'text/html; charset=utf-8';

/** A small page with multi-byte text right around its closing tags. */
export const PAGE =
  '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8"><title>Café ☕</title></head>\n' +
  '<body><h1>Grüße, 世界 👋</h1><p>naïve — ok</p>é</body>😀\n</html>\n';

/** The bytes of a text. */
export const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Splits bytes into pieces of `size` bytes (cutting multi-byte characters on purpose). */
export function split(body: string | Uint8Array, size: number): Uint8Array[] {
  const all = typeof body === 'string' ? bytes(body) : Buffer.from(body);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += size) pieces.push(all.subarray(at, at + size));
  return pieces;
}

/**
 * A stream that writes `pieces` one per turn of the event loop: a body that arrives over
 * time, not all of it in the framework's first read.
 */
export function dripped(pieces: readonly Uint8Array[]): Readable {
  const stream = new PassThrough();
  const rest = [...pieces];
  const next = () => {
    const piece = rest.shift();
    if (piece === undefined) stream.end();
    else stream.write(piece, () => setImmediate(next));
  };
  setImmediate(next);
  return stream;
}

/** Splits bytes at the given offsets. */
export function splitAt(body: string, ...offsets: number[]): Uint8Array[] {
  const all = bytes(body);
  const cuts = [0, ...offsets, all.length];
  return cuts.slice(1).map((end, index) => all.subarray(cuts[index], end));
}

/**
 * A page of about `size` bytes, mostly multi-byte text, that ends in `</body></html>`. No
 * character repeats at a fixed period, so a lost or doubled chunk cannot go unnoticed.
 */
export function bigPage(size = 2 * 1024 * 1024): string {
  const parts: string[] = ['<!doctype html><html><head><title>big</title></head><body>'];
  let length = Buffer.byteLength(parts[0]!);
  for (let line = 0; length < size - 32; line++) {
    const text = `<p>${line} — ünïcödé 日本語 😀 ${(line * 7919) % 104729}</p>\n`;
    parts.push(text);
    length += Buffer.byteLength(text);
  }
  parts.push('</body></html>');
  return parts.join('');
}

/** An HTML route sending `body` the given way (in 7-byte pieces for the streaming styles). */
export function htmlRoute(
  path: string,
  style: BodyStyle,
  body: string | Uint8Array[] = PAGE,
  extra: Partial<RouteSpec> = {},
): RouteSpec {
  const chunks = typeof body === 'string' ? split(body, 7) : body;
  return { path, style, chunks, headers: { 'content-type': HTML }, ...extra };
}

/** A route answering `{ token, seen }` from the request. */
export function echoRoute(path = '/echo'): RouteSpec {
  return { path, style: 'string', chunks: [], echoToken: true };
}

/** Every place where `needle` occurs in `haystack`. */
export function countOf(haystack: Buffer | string, needle: string): number {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
  const search = Buffer.from(needle, 'utf8').toString('latin1');
  let count = 0;
  for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + 1)) count++;
  return count;
}
