import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { renderSnippet } from '@plug-session/core';
import { expect } from 'vitest';

export const AAT = 'aat-express-tests-9c2e';
export const APP_ID = 'app-express-tests';
export const HTML = 'text/html; charset=utf-8';

/** What a test app answered, body as raw bytes (never decoded: gzip stays gzip). */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Reads a whole response. */
export function readAll(res: IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () =>
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
    );
  });
}

/** Sends a request on a fresh connection; `onResponse` may pause the reading (and resume it). */
export function send(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
  onResponse: (res: IncomingMessage) => void = () => {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      readAll(res).then(resolve, reject);
      onResponse(res);
    });
    req.end();
  });
}

/** The byte offset of the last `</body>` (any case), else of the last `</html>`, else the end. */
function insertionPoint(page: Buffer): number {
  const text = page.toString('latin1').toLowerCase();
  const body = text.lastIndexOf('</body>');
  if (body !== -1) return body;
  const html = text.lastIndexOf('</html>');
  return html === -1 ? page.length : html;
}

/**
 * Checks that `body` is `original` with exactly one snippet inserted where the contract says,
 * every other byte identical, and returns the session token it carries (if any).
 */
export function expectInjected(
  body: Buffer,
  original: string | Buffer,
  scriptSrc: string,
  nonce?: string,
): string | undefined {
  const page = typeof original === 'string' ? Buffer.from(original, 'utf8') : original;
  const token = /"session_token":"([^"]+)"/.exec(body.toString('latin1'))?.[1];
  const snippet = renderSnippet({ scriptSrc, appId: APP_ID, sessionToken: token, nonce });
  const at = insertionPoint(page);
  const expected = Buffer.concat([page.subarray(0, at), Buffer.from(snippet), page.subarray(at)]);
  // Compared as a boolean first: a diff of megabytes helps nobody.
  if (!body.equals(expected)) {
    expect(body.toString('utf8').slice(0, 4000)).toBe(expected.toString('utf8').slice(0, 4000));
    expect(body.length).toBe(expected.length);
    expect(body.equals(expected), 'the injected page differs from the expected bytes').toBe(true);
  }
  return token;
}

/** A page of about `size` bytes of multi-byte text, ending in `</body></html>`. */
export function bigPage(size: number): string {
  const parts = ['<!doctype html><html><head><title>big</title></head><body>'];
  let length = parts[0]!.length;
  for (let line = 0; length < size; line++) {
    const text = `<p>${line} — ünïcödé 日本語 😀 ${(line * 7919) % 104729}</p>\n`;
    parts.push(text);
    length += Buffer.byteLength(text);
  }
  parts.push('</body></html>');
  return parts.join('');
}

/** Splits bytes into pieces of varying sizes (multi-byte characters cut on purpose). */
export function pieces(text: string, sizes: number[]): Buffer[] {
  const all = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < all.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(all.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** A promise with its resolve function. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
