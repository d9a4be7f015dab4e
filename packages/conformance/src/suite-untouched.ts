import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BodyStyle, Driver, RouteSpec } from './driver.js';
import { useHarness } from './support/harness.js';
import type { SendInit } from './support/http.js';
import { bytes, HTML, PAGE } from './support/pages.js';
import { expectSameBytes } from './support/snippet.js';

interface Case {
  what: string;
  route: Omit<RouteSpec, 'path' | 'style'>;
  request?: SendInit;
  /** The body expected back; the route's own bytes unless said otherwise. */
  expected?: Buffer;
  /** Styles to try; statuses without a body only send strings. */
  styles: BodyStyle[];
}

const BOTH: BodyStyle[] = ['string', 'stream'];
const html = (extra: Record<string, string> = {}) => ({ 'content-type': HTML, ...extra });
const EMPTY = Buffer.alloc(0);

const CASES: readonly Case[] = [
  {
    what: 'a HEAD request',
    route: { chunks: [PAGE], headers: html() },
    request: { method: 'HEAD' },
    expected: EMPTY,
    styles: ['string'],
  },
  {
    what: 'a 204 response',
    route: { status: 204, chunks: [], headers: html() },
    expected: EMPTY,
    styles: ['string'],
  },
  {
    what: 'a 304 response',
    route: { status: 304, chunks: [], headers: html() },
    expected: EMPTY,
    styles: ['string'],
  },
  {
    what: 'a 206 response',
    route: {
      status: 206,
      chunks: [PAGE],
      headers: html({
        'content-range': `bytes 0-${bytes(PAGE).length - 1}/${bytes(PAGE).length + 10}`,
      }),
    },
    styles: BOTH,
  },
  { what: 'a 404 page', route: { status: 404, chunks: [PAGE], headers: html() }, styles: BOTH },
  { what: 'a 500 page', route: { status: 500, chunks: [PAGE], headers: html() }, styles: BOTH },
  {
    what: 'an application/json body',
    route: {
      chunks: ['{"html":"<html><body></body></html>"}'],
      headers: { 'content-type': 'application/json' },
    },
    styles: BOTH,
  },
  {
    what: 'a text/css body',
    route: {
      chunks: ['body::after { content: "</body>"; }'],
      headers: { 'content-type': 'text/css' },
    },
    styles: BOTH,
  },
  {
    what: 'a gzip-encoded page',
    route: { chunks: [gzipSync(bytes(PAGE))], headers: html({ 'content-encoding': 'gzip' }) },
    styles: ['buffer', 'stream'],
  },
  {
    what: 'a page marked cache-control: no-transform',
    route: { chunks: [PAGE], headers: html({ 'cache-control': 'no-transform' }) },
    styles: BOTH,
  },
  {
    what: 'a POST',
    route: { method: 'POST', chunks: [PAGE], headers: html() },
    request: {
      method: 'POST',
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    styles: BOTH,
  },
];

/** Behaviour 6: every response that is not an injectable page passes unchanged. */
export function untouchedSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: responses that are not injected`, () => {
    const h = useHarness(driver);

    for (const { what, route, request, expected, styles } of CASES) {
      for (const style of styles) {
        it(`${n}: leaves ${what} unchanged, body and headers (${style} body)`, async () => {
          const spec: RouteSpec = { path: '/page', style, ...route };
          const app = await h.start([spec], h.injecting());
          for (const user of ['alice', undefined]) {
            const reply = await app.send('/page', { ...request, ...(user ? { user } : {}) });
            expect(reply.status).toBe(route.status ?? 200);
            const sent = Buffer.concat(
              route.chunks.map((c) => (typeof c === 'string' ? bytes(c) : c)),
            );
            expectSameBytes(reply.body, expected ?? sent);
            expect(reply.body.toString('latin1')).not.toContain('plugSDK');
            // Frameworks drop the entity headers of 204 and 304 themselves.
            const bodiless = reply.status === 204 || reply.status === 304;
            for (const [name, value] of Object.entries(bodiless ? {} : (route.headers ?? {}))) {
              if (name === 'content-type')
                expect(reply.header(name)).toContain(value.split(';')[0]);
              else expect(reply.header(name), name).toBe(value);
            }
            const length = reply.header('content-length');
            if (request?.method === 'HEAD' && length !== undefined)
              expect(length).toBe(String(sent.length));
            else if (length !== undefined) expect(length).toBe(String(reply.body.length));
          }
        });
      }
    }
  });
}
