import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import type { CachedToken, TokenStore } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PlugSessionFastifyOptions, plugSession } from '../src/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the test auth plugins below. */
    testUser: string | null;
  }
}

const AAT = 'aat-fastify-secret-0123456789';
const APP_ID = 'app-fastify-test';
const PAGE =
  '<!doctype html><html><head><title>Café</title></head><body><h1>Grüße 👋</h1></body></html>';

let emu: Emulator;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  emu.setFault(undefined);
  emu.clearCalls();
});
afterAll(async () => {
  await emu.close();
});

/** Who is logged in: the `x-user` header, or the user an auth plugin put on the request. */
const resolveUser = (request: FastifyRequest) => {
  const user = request.testUser ?? request.headers['x-user'];
  return typeof user === 'string' ? { user_ref: user } : null;
};

function options(extra: Partial<PlugSessionFastifyOptions> = {}): PlugSessionFastifyOptions {
  return { appAccessToken: AAT, endpoint: emu.endpoint, appId: APP_ID, resolveUser, ...extra };
}

const inject = (extra: Partial<PlugSessionFastifyOptions> = {}) =>
  options({ injectScript: { scriptSrc: emu.scriptSrc }, ...extra });

function app(logger?: Writable): FastifyInstance {
  const instance = logger ? Fastify({ logger: { level: 'warn', stream: logger } }) : Fastify();
  instance.decorateRequest('testUser', null);
  apps.push(instance);
  return instance;
}

async function listen(instance: FastifyInstance): Promise<string> {
  return instance.listen({ port: 0, host: '127.0.0.1' });
}

interface Answer {
  status: number;
  header(name: string): string | undefined;
  body: Buffer;
  text: string;
}

async function get(base: string, path: string, headers: Record<string, string> = {}) {
  return send(base, path, 'GET', headers);
}

/** One request over a real socket; node:http never decodes content-encoding. */
function send(
  base: string,
  path: string,
  method: 'GET' | 'HEAD' | 'POST',
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(new URL(path, base), { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: response.statusCode ?? 0,
          header(name) {
            const value = response.headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          },
          body,
          text: body.toString('utf8'),
        });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The page with the snippet before `</body>`, checked loosely: once, in the right place. */
function expectInjected(text: string, original = PAGE): void {
  expect(count(text, `src="${emu.scriptSrc}"`)).toBe(1);
  expect(count(text, 'window.plugSDK.init(')).toBe(1);
  const at = text.indexOf(`<script src="${emu.scriptSrc}"`);
  expect(text.slice(0, at)).toBe(original.slice(0, original.lastIndexOf('</body>')));
  expect(text.endsWith('</body></html>')).toBe(true);
}

function decode(answer: Answer): string {
  const encoding = answer.header('content-encoding');
  if (encoding === 'gzip') return gunzipSync(answer.body).toString('utf8');
  if (encoding === 'br') return brotliDecompressSync(answer.body).toString('utf8');
  if (encoding === 'deflate') return inflateSync(answer.body).toString('utf8');
  return answer.text;
}

function logCapture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString('utf8'));
      done();
    },
  });
  const lines = () =>
    raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('options', () => {
  it.each([
    ['appAccessToken', { appAccessToken: '' }],
    ['appId', { appId: undefined, injectScript: true }],
    ['endpoint', { endpoint: 'not a url' }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['hook', { hook: 'onResponse' as PlugSessionFastifyOptions['hook'] }],
  ])('makes register reject with an error naming %s', async (name, bad) => {
    const instance = app();
    await expect(instance.register(plugSession, options(bad))).rejects.toThrow(name);
  });

  it('makes ready reject when register was not awaited', async () => {
    const instance = app();
    instance.register(plugSession, options({ timeoutMs: -5 }));
    await expect(instance.ready()).rejects.toThrow('timeoutMs');
  });

  it('is a fastify-plugin named @plug-session/fastify that also loads without an await', async () => {
    const instance = app();
    instance.register(plugSession, options());
    await instance.ready();
    expect(instance.hasRequestDecorator('plugSessionToken')).toBe(true);
    expect(Reflect.get(plugSession, Symbol.for('plugin-meta'))).toMatchObject({
      name: '@plug-session/fastify',
      fastify: '5.x',
    });
  });
});

describe('the hook option', () => {
  it('resolves in onRequest when asked, so later hooks already see the token', async () => {
    const instance = app();
    await instance.register(plugSession, options({ hook: 'onRequest' }));
    let seenInPreParsing: string | undefined;
    instance.get(
      '/',
      {
        preParsing: async (request) => {
          seenInPreParsing = request.plugSessionToken;
        },
      },
      async (request) => ({ token: request.plugSessionToken ?? null }),
    );
    const base = await listen(instance);
    const answer = await get(base, '/', { 'x-user': 'alice' });
    const { token } = JSON.parse(answer.text) as { token: string };
    expect(emu.verifyToken(token).valid).toBe(true);
    expect(seenInPreParsing).toBe(token);
  });

  it.each(['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const)(
    'attaches the token before the handler with hook %s, a POST body still parsed',
    async (hook) => {
      const instance = app();
      await instance.register(plugSession, options({ hook }));
      instance.post('/', async (request) => ({
        token: request.plugSessionToken ?? null,
        body: request.body,
      }));
      const base = await listen(instance);
      const answer = await send(
        base,
        '/',
        'POST',
        {
          'x-user': 'alice',
          'content-type': 'application/json',
        },
        '{"a":1}',
      );
      const { token, body } = JSON.parse(answer.text) as { token: string; body: unknown };
      expect(emu.verifyToken(token).valid).toBe(true);
      expect(body).toEqual({ a: 1 });
    },
  );

  it('resolves in preHandler by default, so earlier hooks do not see a token yet', async () => {
    const instance = app();
    await instance.register(plugSession, options());
    let seenInPreValidation: string | undefined = 'not run';
    instance.get(
      '/',
      {
        preValidation: async (request) => {
          seenInPreValidation = request.plugSessionToken;
        },
      },
      async (request) => ({ token: request.plugSessionToken ?? null }),
    );
    const base = await listen(instance);
    const answer = await get(base, '/', { 'x-user': 'alice' });
    expect(typeof JSON.parse(answer.text).token).toBe('string');
    expect(seenInPreValidation).toBeUndefined();
  });

  it('runs after an auth plugin that sets the user in onRequest or preHandler, whatever the order', async () => {
    const auth = fp(
      async (instance: FastifyInstance, opts: { hook: 'onRequest' | 'preHandler' }) => {
        instance.addHook(opts.hook, async (request) => {
          const bearer = request.headers.authorization;
          request.testUser = bearer?.startsWith('Bearer ') ? bearer.slice(7) : null;
        });
      },
    );
    const instance = app();
    await instance.register(auth, { hook: 'onRequest' });
    await instance.register(plugSession, options());
    // Registered after plug-session: still runs first, as ours is the route's last preHandler.
    await instance.register(auth, { hook: 'preHandler' });
    instance.get('/', async (request) => ({ token: request.plugSessionToken ?? null }));
    const base = await listen(instance);
    const answer = await get(base, '/', { authorization: 'Bearer dana' });
    const { token } = JSON.parse(answer.text) as { token: string };
    const check = emu.verifyToken(token);
    expect(check.valid && check.claims.sub).toBe('dana');
  });

  it('runs after a route-level preHandler auth hook', async () => {
    const instance = app();
    await instance.register(plugSession, options());
    instance.get(
      '/',
      {
        preHandler: [
          async (request) => {
            request.testUser = 'erin';
          },
        ],
      },
      async (request) => ({ token: request.plugSessionToken ?? null }),
    );
    const base = await listen(instance);
    const { token } = JSON.parse((await get(base, '/')).text) as { token: string };
    const check = emu.verifyToken(token);
    expect(check.valid && check.claims.sub).toBe('erin');
  });
});

describe('registered twice', () => {
  it("in one context, injects once with the first registration's options and one token route", async () => {
    const instance = app();
    await instance.register(plugSession, inject({ tokenRoute: '/plug/session' }));
    await instance.register(
      plugSession,
      options({
        appId: 'second-app',
        tokenRoute: '/plug/session',
        injectScript: { scriptSrc: emu.scriptSrc },
      }),
    );
    instance.get('/page', async (_request, reply) => reply.type('text/html').send(PAGE));
    const base = await listen(instance);
    const answer = await get(base, '/page', { 'x-user': 'sam' });
    expectInjected(answer.text);
    expect(answer.text).toContain(APP_ID);
    expect(answer.text).not.toContain('second-app');
    expect((await get(base, '/plug/session', { 'x-user': 'sam' })).status).toBe(200);
  });
});

describe('the token route', () => {
  it('is a real GET route, listed by printRoutes, without a HEAD twin that would resolve', async () => {
    const instance = app();
    await instance.register(
      plugSession,
      options({ tokenRoute: '/plug/session', skip: () => true }),
    );
    const base = await listen(instance);
    expect(instance.printRoutes({ commonPrefix: false })).toContain('/plug/session (GET)');
    expect(instance.hasRoute({ method: 'GET', url: '/plug/session' })).toBe(true);

    const answer = await get(base, '/plug/session', { 'x-user': 'frank' });
    expect(answer.status).toBe(200);
    expect(answer.header('cache-control')).toBe('no-store');
    const body = JSON.parse(answer.text) as { session_token: string; expires_at: string };
    expect(emu.verifyToken(body.session_token).valid).toBe(true);

    emu.clearCalls();
    const head = await send(base, '/plug/session', 'HEAD', { 'x-user': 'grace' });
    expect(head.status).toBe(404);
    expect(emu.callCount).toBe(0);
  });

  it('answers 503 with the code when DevRev fails', async () => {
    emu.setFault({ type: 'status', status: 401 });
    const instance = app();
    await instance.register(
      plugSession,
      options({ tokenRoute: '/plug/session', onError: () => undefined }),
    );
    const base = await listen(instance);
    const answer = await get(base, '/plug/session', { 'x-user': 'heidi' });
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toEqual({ error: 'UNAUTHORIZED' });
  });
});

describe('the default onError', () => {
  it('warns through request.log once per code and cause, never with the AAT', async () => {
    const capture = logCapture();
    const instance = app(capture.stream);
    await instance.register(plugSession, options({ cache: false }));
    instance.get('/', async (request) => ({ token: request.plugSessionToken ?? null }));
    const base = await listen(instance);

    emu.setFault({ type: 'status', status: 401 });
    for (const user of ['ivan', 'judy', 'ivan']) {
      const answer = await get(base, '/', { 'x-user': user });
      expect(JSON.parse(answer.text)).toEqual({ token: null });
    }
    emu.setFault(undefined);
    await get(base, '/', { 'x-user': '' });
    await get(base, '/', { 'x-user': '' });

    const ours = capture.lines().filter((line) => String(line.msg).startsWith('[plug-session]'));
    // Three 401s make at most two causes (DevRev's answer, then core's pause after a 401);
    // the same code and cause is never repeated.
    const messages = ours.map((line) => String(line.msg));
    expect(new Set(messages).size).toBe(messages.length);
    const codes = messages.map((message) => message.split(':')[0]);
    expect(codes.filter((code) => code === '[plug-session] UNAUTHORIZED').length).toBeLessThan(3);
    expect(codes.filter((code) => code === '[plug-session] INVALID_REV_INFO')).toHaveLength(1);
    for (const line of ours) {
      expect(line.level).toBe(40);
      expect(line.reqId).toBeDefined();
      expect(line.err).toMatchObject({ type: 'PlugSessionError' });
    }
    expect(JSON.stringify(capture.lines())).not.toContain(AAT);
  });
});

describe('with @fastify/compress', () => {
  const big = PAGE.replace('</h1>', `</h1>${'<p>lorem ipsum dolor</p>'.repeat(100)}`);

  async function compressed(order: 'compress-first' | 'plug-session-first', style: string) {
    const instance = app();
    if (order === 'compress-first') await instance.register(compress, { threshold: 0 });
    await instance.register(plugSession, inject());
    if (order === 'plug-session-first') await instance.register(compress, { threshold: 0 });
    instance.get('/page', async (_request, reply) => {
      reply.type('text/html; charset=utf-8');
      return style === 'stream' ? reply.send(Readable.from([big])) : reply.send(big);
    });
    const base = await listen(instance);
    return get(base, '/page', { 'x-user': 'kim', 'accept-encoding': 'gzip' });
  }

  it.each([
    ['compress-first', 'string'],
    ['compress-first', 'stream'],
    ['plug-session-first', 'string'],
    ['plug-session-first', 'stream'],
  ] as const)('injects before compressing when registered %s (%s body)', async (order, style) => {
    const answer = await compressed(order, style);
    expect(answer.status).toBe(200);
    expect(answer.header('content-encoding')).toBe('gzip');
    expectInjected(decode(answer), big);
  });

  it('leaves a page intact when an earlier onSend hook has compressed it', async () => {
    const instance = app();
    instance.addHook('onSend', async (_request, reply, payload) => {
      if (typeof payload !== 'string') return payload;
      reply.header('content-encoding', 'gzip');
      return gzipSync(payload);
    });
    await instance.register(plugSession, inject());
    instance.get('/page', async (_request, reply) => reply.type('text/html').send(big));
    const base = await listen(instance);
    const answer = await get(base, '/page', { 'x-user': 'kim', 'accept-encoding': 'gzip' });
    expect(decode(answer)).toBe(big);
  });
});

describe('with @fastify/helmet', () => {
  it('puts the CSP header script nonce on both tags', async () => {
    const instance = app();
    await instance.register(helmet, { enableCSPNonces: true });
    await instance.register(plugSession, inject());
    let replyNonce = '';
    instance.get('/page', async (_request, reply) => {
      replyNonce = reply.cspNonce.script;
      return reply.type('text/html').send(PAGE);
    });
    const base = await listen(instance);
    const answer = await get(base, '/page', { 'x-user': 'liam' });
    const csp = answer.header('content-security-policy') ?? '';
    const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBe(replyNonce);
    expect(count(answer.text, `nonce="${nonce}"`)).toBe(2);
    expectInjected(answer.text);
  });
});

describe('payloads', () => {
  it('injects a string sent after reply.type("text/html"), with a correct content-length', async () => {
    const instance = app();
    await instance.register(plugSession, inject());
    instance.get('/page', async (_request, reply) => reply.type('text/html').send(PAGE));
    const base = await listen(instance);
    const answer = await get(base, '/page', { 'x-user': 'mia' });
    expectInjected(answer.text);
    expect(Number(answer.header('content-length'))).toBe(answer.body.length);
    expect(answer.header('cache-control')).toContain('no-store');
  });

  it('injects a Buffer page, a view into a larger Buffer included, whole and with its new content-length', async () => {
    const instance = app();
    await instance.register(plugSession, inject());
    const bytes = Buffer.from(`<!-- before -->${PAGE}<!-- after -->`);
    const view = bytes.subarray('<!-- before -->'.length, bytes.length - '<!-- after -->'.length);
    instance.get('/buffer', async (_request, reply) =>
      reply.type('text/html').send(Buffer.from(PAGE)),
    );
    instance.get('/view', async (_request, reply) => reply.type('text/html').send(view));
    const base = await listen(instance);
    for (const path of ['/buffer', '/view']) {
      const answer = await get(base, path, { 'x-user': 'mia' });
      expectInjected(answer.text);
      expect(Number(answer.header('content-length')), path).toBe(answer.body.length);
      expect(answer.header('transfer-encoding'), path).toBeUndefined();
      const at = answer.text.indexOf('<script');
      const end = answer.text.lastIndexOf('</body>');
      expect(answer.text.slice(0, at) + answer.text.slice(end), path).toBe(PAGE);
    }
  });

  it('injects a web ReadableStream and a fetch Response', async () => {
    const instance = app();
    await instance.register(plugSession, inject());
    instance.get('/web', async (_request, reply) =>
      reply.type('text/html').send(new Response(PAGE).body),
    );
    instance.get(
      '/response',
      async () => new Response(PAGE, { headers: { 'content-type': 'text/html' } }),
    );
    const base = await listen(instance);
    for (const path of ['/web', '/response']) {
      const answer = await get(base, path, { 'x-user': 'nia' });
      expect(answer.status).toBe(200);
      expectInjected(answer.text);
    }
  });

  it('injects a file stream with content-length set by the route, removing the content-length', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plug-session-fastify-'));
    try {
      const file = join(dir, 'index.html');
      await writeFile(file, PAGE);
      const { size } = await stat(file);
      const instance = app();
      await instance.register(plugSession, inject());
      instance.get('/index.html', async (_request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .header('content-length', size)
          .header('etag', '"abc"')
          .send(createReadStream(file)),
      );
      const base = await listen(instance);
      const answer = await get(base, '/index.html', { 'x-user': 'olga' });
      expectInjected(answer.text);
      expect(answer.header('content-length')).toBeUndefined();
      expect(answer.header('etag')).toBeUndefined();
      const head = await send(base, '/index.html', 'HEAD', { 'x-user': 'olga' });
      expect(head.header('content-length')).toBe(String(size));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('injects once into a 2 MB stream, keeping every other byte', async () => {
    const lines: string[] = [];
    for (let line = 0, size = 0; size < 2 * 1024 * 1024; line++) {
      lines.push(`<p>${line} ünïcödé 😀</p>\n`);
      size += lines[line]!.length;
    }
    const page = `<html><body>${lines.join('')}</body></html>`;
    const instance = app();
    await instance.register(plugSession, inject());
    instance.get('/big', async (_request, reply) => {
      const bytes = Buffer.from(page);
      const pieces: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += 65_521)
        pieces.push(bytes.subarray(at, at + 65_521));
      return reply.type('text/html').send(Readable.from(pieces));
    });
    const base = await listen(instance);
    const answer = await get(base, '/big', { 'x-user': 'pat' });
    expectInjected(answer.text, page);
    const at = answer.text.indexOf('<script');
    const end = answer.text.lastIndexOf('</body>');
    expect(answer.text.slice(0, at) + answer.text.slice(end)).toBe(page);
  });

  it('cuts a stream whose source fails midway, and keeps serving', async () => {
    const instance = app();
    await instance.register(plugSession, inject());
    instance.get('/fail', async (_request, reply) => {
      let sent = false;
      const source = new Readable({
        read() {
          if (sent) return void this.destroy(new Error('the template failed'));
          sent = true;
          this.push(`<html><body>${'x'.repeat(16 * 1024)}`);
        },
      });
      return reply.type('text/html').send(source);
    });
    instance.get('/ok', async (_request, reply) => reply.type('text/html').send(PAGE));
    const base = await listen(instance);
    // Fastify cuts a response whose stream failed after its head went out.
    const failed = await get(base, '/fail', { 'x-user': 'ria' }).catch(() => undefined);
    if (failed) expect(count(failed.text, emu.scriptSrc)).toBe(0);
    expectInjected((await get(base, '/ok', { 'x-user': 'ria' })).text);
  });

  it('destroys the source stream when the client goes away', async () => {
    let source: Readable | undefined;
    const instance = app();
    await instance.register(plugSession, inject());
    instance.get('/slow', async (_request, reply) => {
      let pushed = false;
      source = new Readable({
        read() {
          if (pushed) return; // then never ends, like a slow template
          pushed = true;
          this.push(`<html><body>${'x'.repeat(16 * 1024)}`);
        },
      });
      return reply.type('text/html').send(source);
    });
    const base = await listen(instance);
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(
        new URL('/slow', base),
        { headers: { 'x-user': 'sam' } },
        (res) =>
          res.once('data', () => {
            outgoing.destroy();
            resolve();
          }),
      );
      outgoing.on('error', () => resolve());
      outgoing.end();
    });
    await vi.waitFor(() => expect(source?.destroyed).toBe(true), { timeout: 15_000 });
  });

  it('passes JSON and non-2xx pages unchanged', async () => {
    const instance = app();
    await instance.register(plugSession, inject());
    instance.get('/json', async () => ({ html: PAGE }));
    instance.get('/missing', async (_request, reply) =>
      reply.code(404).type('text/html').send(PAGE),
    );
    const base = await listen(instance);
    expect(JSON.parse((await get(base, '/json', { 'x-user': 'quinn' })).text)).toEqual({
      html: PAGE,
    });
    expect((await get(base, '/missing', { 'x-user': 'quinn' })).text).toBe(PAGE);
  });
});

describe('closing', () => {
  it('closes the engine and its store when the app closes', async () => {
    let shutdowns = 0;
    const entries = new Map<string, CachedToken>();
    const store: TokenStore = {
      get: (key) => entries.get(key),
      set: (key, value) => void entries.set(key, value),
      delete: (key) => void entries.delete(key),
      shutdown: () => {
        shutdowns++;
      },
    };
    const instance = Fastify();
    instance.decorateRequest('testUser', null);
    await instance.register(plugSession, options({ cache: { store } }));
    instance.get('/', async (request) => ({ token: request.plugSessionToken ?? null }));
    const base = await listen(instance);
    await get(base, '/', { 'x-user': 'rose' });
    await instance.close();
    expect(shutdowns).toBe(1);
  });
});
