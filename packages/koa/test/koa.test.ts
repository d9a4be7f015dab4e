import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import compress from 'koa-compress';
import helmet from 'koa-helmet';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { type PlugSessionKoaOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';
import { count, get } from './http.js';

const AAT = 'aat-koa-test';
const PAGE = '<!doctype html><html><head><title>Koa</title></head><body><h1>Hi</h1></body></html>';
const HTML = 'text/html; charset=utf-8';

let emulator: Emulator;
let dir: string;
beforeAll(async () => {
  emulator = await startEmulator({ appAccessToken: AAT });
  dir = await mkdtemp(join(tmpdir(), 'plug-session-koa-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

function options(extra: Partial<PlugSessionKoaOptions> = {}): PlugSessionKoaOptions {
  return {
    appAccessToken: AAT,
    appId: 'app-koa',
    endpoint: emulator.endpoint,
    injectScript: { scriptSrc: emulator.scriptSrc },
    resolveUser: () => ({ user_ref: 'user-koa' }),
    onError: () => {},
    ...extra,
  };
}

/** Checks that `body` is `page` with one snippet before its last `</body>`; returns the snippet. */
function snippetIn(body: Buffer, page: string | Buffer): string {
  const original = Buffer.from(page);
  const at = original.lastIndexOf('</body>');
  const head = original.subarray(0, at);
  const tail = original.subarray(at);
  expect(body.subarray(0, head.length).equals(head), 'the page before </body> is intact').toBe(
    true,
  );
  expect(body.subarray(body.length - tail.length).equals(tail), 'the tail is intact').toBe(true);
  const snippet = body.subarray(head.length, body.length - tail.length).toString('utf8');
  expect(snippet.startsWith(`<script src="${emulator.scriptSrc}"`)).toBe(true);
  expect(count(snippet, 'window.plugSDK.init(')).toBe(1);
  return snippet;
}

const html =
  (page: string | (() => Readable)): Middleware =>
  (ctx) => {
    ctx.type = HTML;
    ctx.body = typeof page === 'string' ? page : page();
  };

const invalid = (given: Record<string, unknown>) => () =>
  plugSession({ ...options(), ...given } as unknown as PlugSessionKoaOptions);

describe.each([
  ['koa2', Koa2],
  ['koa3', Koa3],
] as const)('%s', (_name, KoaApp: typeof Koa) => {
  async function serve(...middleware: Middleware[]): Promise<string> {
    const app = new KoaApp();
    app.on('error', () => {});
    for (const m of middleware) app.use(m);
    const server = await listen(app);
    running.push(server);
    return server.url;
  }

  test('plugSession() throws at once for invalid options, naming the option', () => {
    expect(invalid({ appAccessToken: undefined })).toThrow(/appAccessToken/);
    expect(invalid({ appId: undefined })).toThrow(/appId/);
    expect(invalid({ endpoint: 'not a url' })).toThrow(/endpoint/);
    expect(invalid({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(invalid({ timeoutMs: -1 })).toThrow(/timeoutMs/);
  });

  test('puts the token on ctx.state and ctx.request before the route runs, over a forged one', async () => {
    const seen: Array<[string | undefined, string | undefined]> = [];
    const url = await serve(
      (ctx, next) => {
        ctx.state.plugSessionToken = 'forged';
        ctx.request.plugSessionToken = 'forged';
        return next();
      },
      plugSession(options({ injectScript: false })),
      (ctx) => {
        seen.push([ctx.state.plugSessionToken, ctx.request.plugSessionToken]);
        ctx.body = 'ok';
      },
    );
    expect((await get(url)).status).toBe(200);
    const [[fromState, fromRequest]] = seen as [[string, string]];
    expect(fromRequest).toBe(fromState);
    const verified = emulator.verifyToken(fromState);
    expect(verified.valid && verified.claims.sub).toBe('user-koa');
  });

  test('leaves both places undefined for an anonymous visitor and a skipped request', async () => {
    const seen: unknown[] = [];
    const url = await serve(
      (ctx, next) => {
        ctx.state.plugSessionToken = 'forged';
        ctx.request.plugSessionToken = 'forged';
        return next();
      },
      plugSession(
        options({ resolveUser: (ctx) => (ctx.path === '/anon' ? null : { user_ref: 'u' }) }),
      ),
      (ctx) => {
        seen.push(ctx.state.plugSessionToken, ctx.request.plugSessionToken);
        ctx.body = 'ok';
      },
    );
    await get(`${url}/anon`);
    await get(`${url}/x`, {}, 'OPTIONS');
    expect(seen).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('injects a string page that Koa typed as HTML itself, keeping its content-type', async () => {
    const url = await serve(plugSession(options()), (ctx) => {
      ctx.body = PAGE;
    });
    const res = await get(url);
    expect(res.headers['content-type']).toBe(HTML);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    snippetIn(res.body, PAGE);
  });

  test('injects a Buffer page and puts the token from ctx.state in the snippet', async () => {
    let token: string | undefined;
    const url = await serve(plugSession(options()), (ctx) => {
      token = ctx.state.plugSessionToken;
      ctx.type = 'html';
      ctx.body = Buffer.from(PAGE);
    });
    const res = await get(url);
    expect(res.headers['content-type']).toBe(HTML);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(snippetIn(res.body, PAGE)).toContain(`"session_token":"${token}"`);
  });

  test('sends an injected Buffer page whole with its new content-length, a view into a larger Buffer too', async () => {
    const bytes = Buffer.from(`<!-- before -->${PAGE}<!-- after -->`);
    const view = bytes.subarray('<!-- before -->'.length, bytes.length - '<!-- after -->'.length);
    const url = await serve(plugSession(options()), (ctx) => {
      ctx.type = 'html';
      ctx.body = view;
    });
    const res = await get(url);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.headers['transfer-encoding']).toBeUndefined();
    snippetIn(res.body, PAGE);
  });

  test('passes a JSON body untouched', async () => {
    const url = await serve(plugSession(options()), (ctx) => {
      ctx.body = { page: PAGE };
    });
    const res = await get(url);
    expect(JSON.parse(res.body.toString())).toEqual({ page: PAGE });
  });

  test.each(['string', 'stream'] as const)(
    'with koa-compress mounted before it, injects a %s page and compresses the result',
    async (style) => {
      const url = await serve(
        compress({ threshold: 0 }),
        plugSession(options()),
        html(style === 'string' ? PAGE : () => Readable.from([PAGE])),
      );
      const plain = await get(url);
      const zipped = await get(url, { 'accept-encoding': 'gzip' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(zipped.headers['content-encoding']).toBe('gzip');
      snippetIn(plain.body, PAGE);
      expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    },
  );

  test.each(['string', 'stream'] as const)(
    'with koa-compress mounted after it, leaves the compressed %s page intact',
    async (style) => {
      const url = await serve(
        plugSession(options()),
        compress({ threshold: 0 }),
        html(style === 'string' ? PAGE : () => Readable.from([PAGE])),
      );
      const zipped = await get(url, { 'accept-encoding': 'gzip' });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(zipped.body).toString()).toBe(PAGE);
    },
  );

  test("puts the nonce of koa-helmet's CSP header on both script tags", async () => {
    const nonces = new WeakMap<ServerResponse, string>();
    const url = await serve(
      (ctx, next) => {
        ctx.state.cspNonce = randomBytes(16).toString('base64');
        nonces.set(ctx.res, ctx.state.cspNonce);
        return next();
      },
      helmet.contentSecurityPolicy({
        directives: { scriptSrc: ["'self'", (_req, res) => `'nonce-${nonces.get(res)}'`] },
      }),
      plugSession(options()),
      html(PAGE),
    );
    const res = await get(url);
    const nonce = /'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))?.[1];
    expect(nonce).toBeTruthy();
    const snippet = snippetIn(res.body, PAGE);
    expect(count(snippet, `nonce="${nonce}"`)).toBe(2);
    expect(count(snippet, 'nonce=')).toBe(2);
  });

  test('injects a file stream once and drops the content-length the route set', async () => {
    const file = join(dir, 'page.html');
    await writeFile(file, PAGE);
    const url = await serve(plugSession(options()), (ctx) => {
      ctx.type = HTML;
      ctx.length = Buffer.byteLength(PAGE);
      ctx.body = createReadStream(file);
    });
    const res = await get(url);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.complete).toBe(true);
    snippetIn(res.body, PAGE);
  });

  test('injects a 2 MB stream once, before its last </body>', async () => {
    const filler = Buffer.alloc(64 * 1024, '<p>lorem ipsum</p>\n');
    const head = '<!doctype html><html><body>';
    const tail = '</body></html>';
    const page = Buffer.concat([Buffer.from(head), ...Array(32).fill(filler), Buffer.from(tail)]);
    const url = await serve(
      plugSession(options()),
      html(() =>
        Readable.from(
          (function* () {
            yield head;
            for (let i = 0; i < 32; i++) yield filler;
            yield tail;
          })(),
        ),
      ),
    );
    const res = await get(url);
    expect(res.complete).toBe(true);
    expect(count(res.body, emulator.scriptSrc)).toBe(1);
    snippetIn(res.body, page);
  });

  test('leaves a response alone when the route set ctx.respond = false', async () => {
    const url = await serve(plugSession(options()), (ctx) => {
      ctx.respond = false;
      ctx.res.writeHead(200, { 'content-type': HTML });
      ctx.res.end(PAGE);
    });
    const res = await get(url);
    expect(res.body.toString()).toBe(PAGE);
  });

  test.each([
    ['before its first byte', false, false],
    ['midway', true, false],
    ['midway, under koa-compress', true, true],
  ])('keeps serving after a stream body whose source fails %s', async (_when, midway, zipped) => {
    const errors: unknown[] = [];
    const app = new KoaApp();
    app.on('error', (error: unknown) => errors.push(error));
    if (zipped) app.use(compress({ threshold: 0 }));
    app.use(plugSession(options()));
    app.use((ctx) => {
      ctx.type = HTML;
      if (ctx.path === '/ok') {
        ctx.body = PAGE;
        return;
      }
      let sent = false;
      ctx.body = new Readable({
        read() {
          if (midway && !sent) {
            sent = true;
            this.push(`<html><body>${'x'.repeat(16 * 1024)}`);
            return;
          }
          this.destroy(new Error('the template failed'));
        },
      });
    });
    const server = await listen(app);
    running.push(server);
    // Koa answers 500 if it can, else cuts the response (Koa 3 may reset the socket).
    const failed = await get(`${server.url}/fail`, { 'accept-encoding': 'gzip' }).catch(
      () => undefined,
    );
    if (failed) {
      expect(failed.complete && failed.status === 200).toBe(false);
      expect(count(failed.body, emulator.scriptSrc)).toBe(0);
    }
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 15_000 });
    const next = await get(`${server.url}/ok`);
    expect(next.status).toBe(200);
    snippetIn(next.body, PAGE);
  });

  test('destroys the source stream when the client goes away', async () => {
    let source: Readable | undefined;
    const url = await serve(plugSession(options()), (ctx) => {
      ctx.type = HTML;
      let pushed = false;
      source = new Readable({
        read() {
          if (pushed) return; // then never ends, like a slow template
          pushed = true;
          this.push(`<html><body>${'x'.repeat(16 * 1024)}`);
        },
      });
      ctx.body = source;
    });
    await new Promise<void>((resolve, reject) => {
      const req = request(url, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.on('close', () => resolve());
      req.once('error', reject);
      req.end();
    });
    await vi.waitFor(() => expect(source?.destroyed).toBe(true), { timeout: 15_000 });
  });

  test('never throws into Koa: a throwing resolveUser gives the page without a snippet', async () => {
    const reported: PlugSessionError[] = [];
    let token: string | undefined = 'unset';
    const url = await serve(
      plugSession(
        options({
          resolveUser: () => {
            throw new Error('session store down');
          },
          onError: (error) => reported.push(error),
        }),
      ),
      (ctx) => {
        token = ctx.state.plugSessionToken;
        ctx.type = HTML;
        ctx.body = PAGE;
      },
    );
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(PAGE);
    expect(token).toBeUndefined();
    expect(reported.map((error) => error.code)).toEqual(['RESOLVER_FAILED']);
  });

  test('answers GET on the token route itself, whatever skip says, without calling next', async () => {
    let reached = false;
    const url = await serve(
      plugSession(options({ tokenRoute: '/plug/session', skip: () => true })),
      (ctx: Context) => {
        reached = true;
        ctx.body = 'route';
      },
    );
    const res = await get(`${url}/plug/session?x=1`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(res.body.toString()) as { session_token: string };
    const verified = emulator.verifyToken(body.session_token);
    expect(verified.valid).toBe(true);
    expect(reached).toBe(false);
  });
});

test('koa3: injects a Web ReadableStream page, as Koa 3 takes it for a body', async () => {
  const app = new Koa3();
  app.use(plugSession(options()));
  app.use((ctx) => {
    ctx.type = 'html';
    ctx.body = new Response(PAGE).body;
  });
  const server = await listen(app);
  running.push(server);
  const res = await get(server.url);
  expect(res.headers['content-type']).toBe(HTML);
  expect(res.headers['content-length']).toBeUndefined();
  expect(snippetIn(res.body, PAGE)).toContain('"session_token":"');
});
