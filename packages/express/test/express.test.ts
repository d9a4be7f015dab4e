import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFile, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import compression from 'compression';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import helmet from 'helmet';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type PlugSessionExpressOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';
import { AAT, APP_ID, bigPage, deferred, expectInjected, HTML, pieces, send } from './support.js';

const PAGE =
  '<!doctype html><html><head><title>Café</title></head><body><h1>Grüße, 世界</h1></body></html>\n';
const alice = { headers: { 'x-user': 'alice' } };
const gzipAlice = { headers: { 'x-user': 'alice', 'accept-encoding': 'gzip' } };

describe.each([
  { name: 'express4', createApp: (): Express => express4() },
  { name: 'express5', createApp: (): Express => express5() },
])('$name', ({ createApp }) => {
  let emu: Emulator;
  let dir: string;
  const errors: PlugSessionError[] = [];
  const expressErrors: unknown[] = [];
  const running: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    emu = await startEmulator({ appAccessToken: AAT });
    dir = mkdtempSync(join(tmpdir(), 'plug-session-express-'));
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    errors.length = 0;
    expressErrors.length = 0;
    emu.setFault(undefined);
    emu.clearCalls();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.close()));
  });

  const options = (extra: Partial<PlugSessionExpressOptions> = {}): PlugSessionExpressOptions => ({
    appAccessToken: AAT,
    endpoint: emu.endpoint,
    appId: APP_ID,
    injectScript: { scriptSrc: emu.scriptSrc },
    resolveUser: (req) => {
      const user = req.get('x-user');
      return user ? { user_ref: user } : null;
    },
    onError: (error) => {
      errors.push(error);
    },
    ...extra,
  });

  const recordErrors: ErrorRequestHandler = (error, _req, res, _next) => {
    expressErrors.push(error);
    res.status(500).end();
  };

  /** Starts an app on 127.0.0.1:0; an error reaching Express is recorded (and must not happen). */
  async function start(setup: (app: Express) => void): Promise<string> {
    const app = createApp();
    setup(app);
    app.use(recordErrors);
    const server = await listen(app);
    running.push(server);
    return server.url;
  }

  const sendPage: RequestHandler = (_req, res) => {
    res.type('html').send(PAGE);
  };

  test('injects into a page sent with res.sendFile: content-length fixed, etag and last-modified removed', async () => {
    const file = join(dir, 'page.html');
    writeFileSync(file, PAGE);
    const url = await start((app) => {
      app.use(plugSession(options()));
      app.get('/page', (_req, res) => res.sendFile(file));
    });
    const reply = await send(`${url}/page`, alice);
    expect(reply.status).toBe(200);
    expect(reply.headers.etag).toBeUndefined();
    expect(reply.headers['last-modified']).toBeUndefined();
    const length = reply.headers['content-length'];
    if (length !== undefined) expect(Number(length)).toBe(reply.body.length);
    expect(reply.headers['cache-control']).toMatch(/private/);
    expect(reply.headers['cache-control']).toMatch(/no-store/);
    const token = expectInjected(reply.body, PAGE, emu.scriptSrc);
    expect(emu.verifyToken(token!).valid).toBe(true);
    expect(expressErrors).toEqual([]);
  });

  test('leaves a file that is not HTML, sent with res.sendFile, exactly as it was', async () => {
    const file = join(dir, 'style.css');
    writeFileSync(file, 'body { color: red }\n');
    const url = await start((app) => {
      app.use(plugSession(options()));
      app.get('/style.css', (_req, res) => res.sendFile(file));
    });
    const reply = await send(`${url}/style.css`, alice);
    expect(reply.body.toString()).toBe('body { color: red }\n');
    expect(reply.headers['content-length']).toBe(String(reply.body.length));
    expect(reply.headers.etag).toBeDefined();
    expect(reply.headers['last-modified']).toBeDefined();
  });

  test('injects into a page rendered by res.render with a custom view engine, with an exact content-length', async () => {
    writeFileSync(join(dir, 'hello.tpl'), '<html><body><h1>Hello {{name}}</h1></body></html>');
    const url = await start((app) => {
      app.engine('tpl', (path, vars, callback) => {
        readFile(path, 'utf8', (error, text) => {
          if (error) callback(error);
          else callback(null, text.replace('{{name}}', String((vars as { name?: string }).name)));
        });
      });
      app.set('views', dir);
      app.set('view engine', 'tpl');
      app.use(plugSession(options()));
      app.get('/hello', (_req, res) => res.render('hello', { name: 'Ada' }));
    });
    const reply = await send(`${url}/hello`, alice);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(reply.body.length));
    expectInjected(reply.body, '<html><body><h1>Hello Ada</h1></body></html>', emu.scriptSrc);
  });

  test('injects once before a </body> split across res.write calls', async () => {
    const url = await start((app) => {
      app.use(plugSession(options()));
      app.get('/chunks', (_req, res) => {
        res.type('html');
        res.write('<html><body><p>one</p></bo');
        res.write('dy><!-- after --></h');
        res.end('tml>');
      });
    });
    const reply = await send(`${url}/chunks`, alice);
    expect(reply.headers['content-length']).toBeUndefined();
    expectInjected(reply.body, '<html><body><p>one</p></body><!-- after --></html>', emu.scriptSrc);
  });

  test('injects once into a 2 MB page piped from a stream, every other byte identical', async () => {
    const page = bigPage(2 * 1024 * 1024);
    const chunks = pieces(page, [65_536, 1, 7, 4093, 16_384, 3]);
    const url = await start((app) => {
      app.use(plugSession(options()));
      app.get('/big', (_req, res) => {
        res.setHeader('content-type', HTML);
        res.setHeader('content-length', String(Buffer.byteLength(page)));
        Readable.from(chunks).pipe(res);
      });
    });
    const reply = await send(`${url}/big`, alice);
    expect(reply.headers['content-length']).toBeUndefined();
    expectInjected(reply.body, page, emu.scriptSrc);
  });

  test("keeps back-pressure: write() returns false to a slow client and 'drain' still fires", async () => {
    const wroteFalse = deferred();
    const written: Buffer[] = [];
    let neverFalse = false;
    const url = await start((app) => {
      app.use(plugSession(options()));
      app.get('/slow', (_req, res) => {
        res.setHeader('content-type', HTML);
        const write = (chunk: Buffer): boolean => {
          written.push(chunk);
          return res.write(chunk);
        };
        write(Buffer.from('<!doctype html><html><body>'));
        let total = 0;
        for (let i = 0; ; i++) {
          const chunk = Buffer.from(`<p>${i} ${'ü'.repeat(32_000)}</p>\n`);
          total += chunk.length;
          if (!write(chunk)) break;
          // A guard, not an expectation: far more than any socket buffer.
          if (total > 512 * 1024 * 1024) {
            neverFalse = true;
            break;
          }
        }
        wroteFalse.resolve();
        res.once('drain', () => {
          const tail = Buffer.from('</body></html>');
          written.push(tail);
          res.end(tail);
        });
      });
    });
    // The client reads nothing until the server has seen write() return false.
    const reply = await send(`${url}/slow`, alice, (res) => {
      res.pause();
      void wroteFalse.promise.then(() => res.resume());
    });
    expect(neverFalse).toBe(false);
    // The page only ends from the 'drain' listener: a complete page proves it fired.
    expectInjected(reply.body, Buffer.concat(written), emu.scriptSrc);
  });

  test('a second res.end() is harmless, for a body sent at once and for a streamed one', async () => {
    const done = deferred<string[]>();
    const url = await start((app) => {
      app.use(plugSession(options()));
      app.get('/once', (_req, res) => {
        const events: string[] = [];
        res.on('error', () => events.push('error'));
        res.type('html');
        res.end(PAGE);
        res.end();
        res.end(() => events.push('callback'));
      });
      app.get('/streamed', (_req, res) => {
        const events: string[] = [];
        res.on('error', () => events.push('error'));
        res.type('html');
        res.write(PAGE.slice(0, 20));
        res.end(PAGE.slice(20));
        res.end(() => {
          events.push('callback');
          done.resolve(events);
        });
      });
    });
    expectInjected((await send(`${url}/once`, alice)).body, PAGE, emu.scriptSrc);
    expectInjected((await send(`${url}/streamed`, alice)).body, PAGE, emu.scriptSrc);
    expect(await done.promise).toEqual(['callback']);
    expect(expressErrors).toEqual([]);
  });

  const routeStyles: Array<[string, (page: string) => RequestHandler]> = [
    ['res.send', (page) => (_req, res) => void res.type('html').send(page)],
    [
      'res.write',
      (page) => (_req, res) => {
        res.type('html');
        for (const piece of pieces(page, [4096, 13])) res.write(piece);
        res.end();
      },
    ],
    [
      'a piped stream',
      (page) => (_req, res) => {
        res.type('html');
        Readable.from(pieces(page, [8192, 5])).pipe(res);
      },
    ],
  ];

  describe.each(routeStyles)('with compression(), a page sent with %s', (_style, route) => {
    const page = bigPage(64 * 1024);

    test('is injected, then compressed, when plug-session is mounted after compression', async () => {
      const url = await start((app) => {
        app.use(compression());
        app.use(plugSession(options()));
        app.get('/page', route(page));
      });
      const reply = await send(`${url}/page`, gzipAlice);
      expect(reply.headers['content-encoding']).toBe('gzip');
      expectInjected(gunzipSync(reply.body), page, emu.scriptSrc);
    });

    test('is left intact, not injected, when plug-session is mounted before compression', async () => {
      const url = await start((app) => {
        app.use(plugSession(options()));
        app.use(compression());
        app.get('/page', route(page));
      });
      const reply = await send(`${url}/page`, gzipAlice);
      expect(reply.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(reply.body).equals(Buffer.from(page))).toBe(true);
    });

    test('is injected in either order when the client accepts no compression', async () => {
      for (const order of ['compression first', 'plug-session first']) {
        const url = await start((app) => {
          if (order === 'compression first') app.use(compression());
          app.use(plugSession(options()));
          if (order !== 'compression first') app.use(compression());
          app.get('/page', route(page));
        });
        const reply = await send(`${url}/page`, alice);
        expect(reply.headers['content-encoding']).toBeUndefined();
        expectInjected(reply.body, page, emu.scriptSrc);
      }
    });
  });

  test('injects into a page served by a mounted sub-app (which gives the response a new prototype)', async () => {
    const url = await start((app) => {
      app.use(plugSession(options()));
      const sub = createApp();
      sub.get('/page', (_req, res) => res.type('html').send(PAGE));
      sub.get('/stream', (_req, res) => {
        res.type('html');
        res.write(PAGE.slice(0, 20));
        res.end(PAGE.slice(20));
      });
      app.use('/sub', sub);
    });
    for (const path of ['/sub/page', '/sub/stream']) {
      const reply = await send(`${url}${path}`, alice);
      expect(reply.status).toBe(200);
      expectInjected(reply.body, PAGE, emu.scriptSrc);
    }
  });

  test('injects behind a writeHead-only wrapper mounted first (on-headers, as express-session uses)', async () => {
    const url = await start((app) => {
      // What on-headers does: wrap the writeHead it finds, set headers just before they go.
      app.use((_req, res, next) => {
        const found = res.writeHead;
        res.writeHead = function writeHead(this: Response, ...args: unknown[]) {
          this.setHeader('x-session', 'saved');
          return (found as (...rest: unknown[]) => Response).apply(this, args);
        } as Response['writeHead'];
        next();
      });
      app.use(plugSession(options()));
      app.get('/page', sendPage);
      app.get('/head', (_req, res) => {
        res.writeHead(200, { 'content-type': HTML });
        res.end(PAGE);
      });
    });
    // Twice each: the first page of a process (run alone: '/head') finds no shared hooks yet.
    for (const path of ['/head', '/page', '/head', '/page']) {
      const reply = await send(`${url}${path}`, alice);
      expect(reply.status).toBe(200);
      expect(reply.headers['x-session']).toBe('saved');
      expectInjected(reply.body, PAGE, emu.scriptSrc);
    }
  });

  test("puts helmet's CSP nonce on both script tags, picked from the header", async () => {
    const url = await start((app) => {
      app.use((_req, res, next) => {
        res.locals.cspNonce = randomBytes(16).toString('base64');
        next();
      });
      app.use(
        helmet({
          contentSecurityPolicy: {
            directives: {
              scriptSrc: [
                "'self'",
                (_req, res) => `'nonce-${String((res as Response).locals.cspNonce)}'`,
                emu.url,
              ],
              connectSrc: ["'self'", emu.url],
            },
          },
        }),
      );
      app.use(plugSession(options()));
      app.get('/page', sendPage);
    });
    const reply = await send(`${url}/page`, alice);
    const policy = String(reply.headers['content-security-policy']);
    const nonce = /script-src [^;]*'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeDefined();
    expectInjected(reply.body, PAGE, emu.scriptSrc, nonce);
    expect(reply.body.toString().split(`nonce="${nonce}"`)).toHaveLength(3);
  });

  test('never throws into Express: a throwing resolveUser gives the page, no token and RESOLVER_FAILED', async () => {
    let seen: string | undefined = 'unset';
    const url = await start((app) => {
      app.use(
        plugSession(
          options({
            resolveUser: () => {
              throw new Error('the session store is down');
            },
          }),
        ),
      );
      app.get('/page', (req: Request, res: Response) => {
        seen = req.plugSessionToken;
        res.type('html').send(PAGE);
      });
    });
    const reply = await send(`${url}/page`, alice);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe(PAGE);
    expect(seen).toBeUndefined();
    expect(errors.map((error) => error.code)).toEqual(['RESOLVER_FAILED']);
    expect(expressErrors).toEqual([]);
  });

  test('when DevRev fails, the page is served whole, without a snippet or a token', async () => {
    emu.setFault({ type: 'status', status: 503 });
    const url = await start((app) => {
      app.use(plugSession(options({ timeoutMs: 500 })));
      app.get('/page', sendPage);
    });
    const reply = await send(`${url}/page`, alice);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe(PAGE);
    expect(errors).toHaveLength(1);
    expect(expressErrors).toEqual([]);
  });

  test("matches the token route against the full path (req.originalUrl) when mounted under a prefix, whatever 'skip' says", async () => {
    let seen: string | undefined = 'unset';
    const url = await start((app) => {
      app.use('/app', plugSession(options({ tokenRoute: '/app/plug/session', skip: () => true })));
      app.get('/app/page', (req, res) => {
        seen = req.plugSessionToken;
        res.type('html').send(PAGE);
      });
    });
    const reply = await send(`${url}/app/plug/session?fresh=1`, alice);
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(reply.body.toString()) as { session_token: string };
    expect(emu.verifyToken(body.session_token).valid).toBe(true);
    const page = await send(`${url}/app/page`, alice);
    expect(page.body.toString()).toBe(PAGE);
    expect(seen).toBeUndefined();
  });

  test('sets req.plugSessionToken to the user’s token before the route handler runs', async () => {
    let seen: string | undefined;
    const url = await start((app) => {
      app.use(plugSession(options({ injectScript: false })));
      app.get('/api', (req, res) => {
        seen = req.plugSessionToken;
        res.json({ ok: true });
      });
    });
    await send(`${url}/api`, alice);
    expect(emu.verifyToken(seen!).valid).toBe(true);
  });
});

describe('plugSession() options', () => {
  const resolveUser = () => null;
  test.each([
    ['appAccessToken', { resolveUser }],
    ['appId', { resolveUser, appAccessToken: AAT, injectScript: true }],
    ['endpoint', { resolveUser, appAccessToken: AAT, endpoint: 'not a url' }],
    ['timeoutMs', { resolveUser, appAccessToken: AAT, timeoutMs: 0 }],
  ])('throws at once, naming %s, for an invalid value', (name, partial) => {
    expect(() => plugSession(partial as unknown as PlugSessionExpressOptions)).toThrow(
      `\`${name}\``,
    );
  });
});
