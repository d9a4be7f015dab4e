import { Hono } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { describe, expect, test } from 'vitest';
import { HTML, PAGE, send, snippetIn, tokenIn, useSetup } from './support.js';

const s = useSetup();
const alice = { headers: { 'x-user': 'alice' } };
const encoder = new TextEncoder();

const VALIDATORS = { etag: '"v1-original"', 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' };

/** A page sent as a string and as a stream, with the given headers. */
function pages(app: Hono, headers: Record<string, string>) {
  app.get('/string', (c) => c.body(PAGE, 200, { 'content-type': HTML, ...headers }));
  app.get('/stream', (c) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(PAGE));
        controller.close();
      },
    });
    return c.body(body, 200, { 'content-type': HTML, ...headers });
  });
  return ['/string', '/stream'];
}

const nonceOf = (tag: string): string | undefined => /nonce="([^"]*)"/.exec(tag)?.[1];

describe('the headers of an injected Hono response', () => {
  test('gives content-length, when present, the new byte length', async () => {
    const app = new Hono();
    app.use(s.plugSession());
    const length = String(encoder.encode(PAGE).length);
    const paths = pages(app, { 'content-length': length });
    const url = await s.serve(app);
    for (const path of paths) {
      const reply = await send(`${url}${path}`, alice);
      snippetIn(reply.body, PAGE, s.emulator.scriptSrc);
      const declared = reply.headers['content-length'];
      if (declared !== undefined) expect(declared, path).toBe(String(reply.body.length));
    }
  });

  test('removes the etag and last-modified of the original body, and keeps every other header', async () => {
    const app = new Hono();
    app.use(s.plugSession());
    const paths = pages(app, { ...VALIDATORS, 'x-app': 'kept' });
    app.get('/cookies', (c) => {
      c.header('set-cookie', 'a=1; Path=/', { append: true });
      c.header('set-cookie', 'b=2; Path=/', { append: true });
      return c.html(PAGE);
    });
    const url = await s.serve(app);
    for (const path of paths) {
      const reply = await send(`${url}${path}`, alice);
      snippetIn(reply.body, PAGE, s.emulator.scriptSrc);
      expect(reply.headers.etag, path).toBeUndefined();
      expect(reply.headers['last-modified'], path).toBeUndefined();
      expect(reply.headers['x-app'], path).toBe('kept');
      expect(reply.headers['content-type'], path).toBe(HTML);
    }
    const cookies = await send(`${url}/cookies`, alice);
    snippetIn(cookies.body, PAGE, s.emulator.scriptSrc);
    expect(cookies.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  test('makes a page carrying a session token private and no-store; an anonymous page keeps its cache-control', async () => {
    const app = new Hono();
    app.use(s.plugSession());
    const shared = 'public, max-age=600, s-maxage=600';
    const paths = pages(app, { 'cache-control': shared });
    const url = await s.serve(app);
    for (const path of paths) {
      const identified = await send(`${url}${path}`, alice);
      snippetIn(identified.body, PAGE, s.emulator.scriptSrc);
      const directives = String(identified.headers['cache-control']).split(/\s*,\s*/);
      expect(directives, path).toEqual(expect.arrayContaining(['private', 'no-store']));
      expect(directives.join(), path).not.toMatch(/public|max-age/);
      const anonymous = await send(`${url}${path}`);
      expect(tokenIn(snippetIn(anonymous.body, PAGE, s.emulator.scriptSrc))).toBeUndefined();
      expect(anonymous.headers['cache-control'], path).toBe(shared);
    }
  });

  test("puts the nonce of the response's Content-Security-Policy (hono/secure-headers' NONCE) on both script tags", async () => {
    const app = new Hono();
    app.use(s.plugSession());
    // secureHeaders writes its headers after the route: mounted after plugSession, it has
    // written them by the time plugSession looks at the response.
    app.use(secureHeaders({ contentSecurityPolicy: { scriptSrc: ["'self'", NONCE] } }));
    const nonces: string[] = [];
    app.get('/page', (c) => {
      nonces.push(c.get('secureHeadersNonce') ?? '');
      return c.html(PAGE);
    });
    const url = await s.serve(app);
    for (const user of [alice, {}]) {
      const reply = await send(`${url}/page`, user);
      const nonce = nonces.at(-1);
      expect(nonce).toBeTruthy();
      expect(reply.headers['content-security-policy']).toContain(`'nonce-${nonce}'`);
      const snippet = snippetIn(reply.body, PAGE, s.emulator.scriptSrc);
      const tags = snippet.split('</script>').filter((tag) => tag !== '');
      expect(tags.map(nonceOf)).toEqual([nonce, nonce]);
    }
  });

  test('takes the nonce from the nonce option when secureHeaders runs before plugSession', async () => {
    const app = new Hono();
    // Mounted first, secureHeaders sets its header only after plugSession has finished: the
    // nonce comes from the context instead.
    app.use(secureHeaders({ contentSecurityPolicy: { scriptSrc: ["'self'", NONCE] } }));
    app.use(
      s.plugSession({
        injectScript: {
          scriptSrc: s.emulator.scriptSrc,
          nonce: (c) => c.get('secureHeadersNonce'),
        },
      }),
    );
    app.get('/page', (c) => c.html(PAGE));
    const url = await s.serve(app);
    const reply = await send(`${url}/page`, alice);
    const nonce = /'nonce-([^']+)'/.exec(String(reply.headers['content-security-policy']))?.[1];
    expect(nonce).toBeTruthy();
    const tags = snippetIn(reply.body, PAGE, s.emulator.scriptSrc).split('</script>');
    expect(tags.filter((tag) => tag !== '').map(nonceOf)).toEqual([nonce, nonce]);
    // The headers an outer middleware sets after plugSession land on the injected response.
    expect(reply.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
