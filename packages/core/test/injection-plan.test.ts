import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { privateNoStore } from '../src/inject/injected-headers.js';
import { createInjectionPlan } from '../src/inject/injection-plan.js';
import { nodeBytes } from '../src/inject/node-bytes.js';
import type { HeaderAccess, HeaderValue } from '../src/inject/response-facts.js';
import { createScriptSrcFinders } from '../src/inject/script-src-search.js';
import { createInjectTransform } from '../src/node/inject-stream.js';

const SRC = 'https://plug-platform.devrev.ai/static/plug.js';
const FINDERS = createScriptSrcFinders(SRC, nodeBytes);
const SNIPPET_TEXT = `<script src="${SRC}"></script>`;
const SNIPPET = { text: SNIPPET_TEXT, bytes: Buffer.from(SNIPPET_TEXT) };
const PAGE = '<html><body>héllo</body></html>';

function headerMap(initial: Record<string, HeaderValue>): HeaderAccess & {
  all: Record<string, HeaderValue>;
} {
  const all = { ...initial };
  return {
    all,
    get: (name) => all[name],
    set: (name, value) => {
      all[name] = value;
    },
    remove: (name) => {
      delete all[name];
    },
  };
}

const ORIGINAL = {
  'content-type': 'text/html; charset=utf-8',
  'content-length': String(Buffer.byteLength(PAGE)),
  etag: '"abc"',
  'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT',
  'cache-control': 'public, max-age=600',
};

function plan(identified: boolean, headers = headerMap(ORIGINAL)) {
  return {
    headers,
    plan: createInjectionPlan({
      snippet: SNIPPET,
      scriptSrc: FINDERS,
      identified,
      headers,
      bytes: nodeBytes,
    }),
  };
}

describe('createInjectionPlan', () => {
  it('injects a whole string body, keeps it a string, and sets content-length to its UTF-8 length', () => {
    const { headers, plan: p } = plan(true);
    const body = p.injectBody(PAGE);
    expect(body).toBe(`<html><body>héllo${SNIPPET_TEXT}</body></html>`);
    expect(headers.all['content-length']).toBe(
      String(Buffer.byteLength(PAGE) + SNIPPET_TEXT.length),
    );
  });

  it('injects a whole byte body into bytes, with content-length its byte length', () => {
    const { headers, plan: p } = plan(true);
    const body = p.injectBody(Buffer.from(PAGE));
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body?.toString()).toBe(`<html><body>héllo${SNIPPET_TEXT}</body></html>`);
    expect(headers.all['content-length']).toBe(String(body?.length));
  });

  it('removes etag and last-modified, which described the original bytes', () => {
    const { headers, plan: p } = plan(false);
    p.injectBody(Buffer.from(PAGE));
    expect(headers.all.etag).toBeUndefined();
    expect(headers.all['last-modified']).toBeUndefined();
  });

  it('makes a page carrying a session token private and no-store', () => {
    const { headers, plan: p } = plan(true);
    p.injectBody(PAGE);
    expect(headers.all['cache-control']).toBe('private, no-store');
  });

  it('keeps the cache-control of an anonymous page', () => {
    const { headers, plan: p } = plan(false);
    p.injectBody(PAGE);
    expect(headers.all['cache-control']).toBe('public, max-age=600');
  });

  it('adds private and no-store to an identified page without cache-control', () => {
    const { headers, plan: p } = plan(true, headerMap({ 'content-type': 'text/html' }));
    p.injectBody(PAGE);
    expect(headers.all['cache-control']).toBe('private, no-store');
  });

  it('touches no header when the page already loads plug.js', () => {
    const { headers, plan: p } = plan(true);
    expect(p.injectBody(`<body><script src="${SRC}"></script></body>`)).toBeUndefined();
    expect(headers.all).toEqual(ORIGINAL);
  });

  it('removes content-length when streaming, the new length being unknown', () => {
    const { headers, plan: p } = plan(true);
    const injector = p.startStream();
    expect(headers.all['content-length']).toBeUndefined();
    expect(headers.all.etag).toBeUndefined();
    expect(headers.all['cache-control']).toBe('private, no-store');
    const out = Buffer.concat([injector.push(Buffer.from(PAGE)), injector.flush()]);
    expect(out.toString()).toBe(`<html><body>héllo${SNIPPET_TEXT}</body></html>`);
  });

  it('changes headers only when a body method is called', () => {
    const { headers } = plan(true);
    expect(headers.all).toEqual(ORIGINAL);
  });

  it('streams through a Node Transform around startStream()', async () => {
    const { headers, plan: p } = plan(false);
    const parts: Buffer[] = [];
    for await (const chunk of Readable.from([
      Buffer.from(PAGE.slice(0, 15)),
      Buffer.from(PAGE.slice(15)),
    ]).pipe(createInjectTransform(p.startStream()))) {
      parts.push(chunk as Buffer);
    }
    expect(Buffer.concat(parts).toString()).toBe(`<html><body>héllo${SNIPPET_TEXT}</body></html>`);
    expect(headers.all['content-length']).toBeUndefined();
  });
});

describe('privateNoStore', () => {
  it.each([
    ['public, max-age=600', 'private, no-store'],
    ['no-cache', 'no-cache, private, no-store'],
    ['max-age=0, must-revalidate', 'must-revalidate, private, no-store'],
    ['S-MaxAge=60, Public, immutable', 'immutable, private, no-store'],
    ['private, no-store', 'private, no-store'],
    ['no-store, private, max-age = 5', 'no-store, private'],
    ['private="set-cookie", no-cache="a, b"', 'no-cache="a, b", private, no-store'],
    ['', 'private, no-store'],
    [',,', 'private, no-store'],
  ])('turns %j into %j', (input, expected) => {
    expect(privateNoStore(input)).toBe(expected);
  });

  it('reads numbers and arrays of header values', () => {
    expect(privateNoStore(['public', 'max-age=1, must-revalidate'])).toBe(
      'must-revalidate, private, no-store',
    );
    expect(privateNoStore(undefined)).toBe('private, no-store');
    expect(privateNoStore(5)).toBe('5, private, no-store');
  });
});
