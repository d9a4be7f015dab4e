import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlugSession, ResponsePlanner } from '../src/engine/plug-session-types.js';
import { createInjectionPlan } from '../src/inject/injection-plan.js';
import { createScriptSrcFinders } from '../src/inject/script-src-search.js';
import { webBytes } from '../src/inject/web-bytes.js';
import type { PlugSessionOptions } from '../src/options/option-types.js';
import { createPlugSession as nodeEngine } from '../src/runtime/node-runtime.js';
import { createPlugSession as webEngine } from '../src/runtime/web-runtime.js';
import { answerToResponse } from '../src/web/answer-to-response.js';
import { injectIntoResponse } from '../src/web/inject-into-response.js';
import { webHeaders } from '../src/web/web-headers.js';
import { startWebServer } from './support/web-server.js';

// The Web Request/Response helpers over real sockets: a fetch-style app (what Hono, Bun, Deno
// and Workers run) served by node:http, against the emulator, on both runtimes' engines.

const AAT = 'aat-web-response-tests';
const PAGE = '<!doctype html><html><head></head><body><h1>Héllo 日本</h1></body></html>';
const HTML = { 'content-type': 'text/html; charset=utf-8' };
const encode = (text: string) => new TextEncoder().encode(text);

let emu: Emulator;
let origin: Server;
let originUrl: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
  // A plain server whose page the app fetches: a fetch() Response has immutable headers.
  origin = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.setHeader('etag', '"origin"');
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => origin.close(resolve));
  await emu.close();
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A body stream that gives `chunks` one by one, then closes. */
function streamOf(chunks: Array<Uint8Array | string>): ReadableStream<Uint8Array> {
  // A text stream's strings are declared bytes here, as they would reach a Response from JavaScript.
  return new ReadableStream<Uint8Array | string>({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  }) as ReadableStream<Uint8Array>;
}

/** Gives its first chunk, then waits for `release()` before the rest: a page still rendering. */
function heldStream() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state = { finished: false };
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pulls++;
      if (pulls === 1) {
        controller.enqueue(encode('<html><head></head><body><p>first</p>'));
        return;
      }
      await released;
      controller.enqueue(encode('<p>rest</p></bo'));
      controller.enqueue(encode('dy></html>'));
      state.finished = true;
      controller.close();
    },
  });
  return { body, release, state };
}

type Route = (request: Request) => Response | Promise<Response>;

const routes: Record<string, Route> = {
  '/string': () => new Response(PAGE, { headers: HTML }),
  '/bytes': () => {
    const bytes = encode(PAGE);
    return new Response(bytes, { headers: { ...HTML, 'content-length': String(bytes.length) } });
  },
  '/stream': () =>
    new Response(
      streamOf([encode('<html><body><p>Ünïcödé</p></b'), encode('Od'), encode('Y></html>')]),
      { headers: HTML },
    ),
  '/text-stream': () =>
    new Response(streamOf(['<html><body>é</bo', 'dy></html>']), {
      headers: HTML,
    }),
  '/no-body': () => new Response(null, { headers: HTML }),
  '/json': () =>
    new Response('{"a":"</body>"}', {
      headers: { 'content-type': 'application/json', etag: '"j"', 'content-length': '15' },
    }),
  '/204': () => new Response(null, { status: 204, headers: HTML }),
  '/206': () =>
    new Response(PAGE.slice(0, 20), {
      status: 206,
      headers: { ...HTML, 'content-range': `bytes 0-19/${encode(PAGE).length}` },
    }),
  '/encoded': () =>
    new Response(encode('not really gzip </body>'), {
      headers: { ...HTML, 'content-encoding': 'gzip' },
    }),
  '/cached': () =>
    new Response(PAGE, {
      headers: {
        ...HTML,
        etag: '"v1"',
        'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT',
        'cache-control': 'public, max-age=600',
        'content-length': String(encode(PAGE).length),
      },
    }),
  '/loaded': () =>
    new Response(`<html><body><script src="${emu.scriptSrc}"></script></body></html>`, {
      headers: HTML,
    }),
  '/fetched': async () => {
    const fetched = await fetch(originUrl);
    expect(() => fetched.headers.set('x-try', '1')).toThrow(TypeError);
    return fetched;
  },
};

type Engine = PlugSession<Request>;
type CreateEngine = (options: PlugSessionOptions<Request>) => Engine;

const options = (
  extra: Partial<PlugSessionOptions<Request>> = {},
): PlugSessionOptions<Request> => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  appId: 'app-web',
  injectScript: { scriptSrc: emu.scriptSrc, anonymous: true },
  tokenRoute: '/plug/session',
  resolveUser: (request) => {
    const user = request.headers.get('x-user');
    return user ? { user_ref: user } : null;
  },
  onError: () => {},
  ...extra,
});

/** The whole adapter a fetch-style server needs, on core's Web helpers. */
async function startApp(create: CreateEngine, extra: Record<string, Route> = {}) {
  const plug = create(options());
  const all = { ...routes, ...extra };
  const app = await startWebServer(async (request) => {
    const url = new URL(request.url);
    const facts = { method: request.method, path: url.pathname + url.search, shared: request };
    const outcome = await plug.handle(request, facts);
    if (outcome.kind === 'answer') return answerToResponse(outcome.answer);
    const route = all[url.pathname];
    const response = route ? await route(request) : new Response('none', { status: 404 });
    return outcome.planResponse ? injectIntoResponse(response, outcome.planResponse) : response;
  });
  closers.push(app.close, () => plug.close());
  return app.url;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request over a real socket; `onFirstBytes` runs when the first body bytes arrive. */
function get(
  url: string,
  { method = 'GET', user = 'alice', onFirstBytes = () => {} } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = user ? { 'x-user': user } : {};
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        if (chunks.length === 0) onFirstBytes();
        chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const count = (body: Buffer, needle: string) => body.toString().split(needle).length - 1;

/** The page with the snippet taken out, and where the snippet was. */
function withoutSnippet(body: Buffer, scriptSrc: string): { page: string; at: number } {
  const text = body.toString();
  const at = text.indexOf(`<script src="${scriptSrc}"`);
  const end = text.indexOf('</script>', text.indexOf('plugSDK.init', at)) + '</script>'.length;
  return { page: text.slice(0, at) + text.slice(end), at };
}

function expectInjected(reply: Reply, original: string, user: string | undefined): void {
  expect(reply.status).toBe(200);
  expect(count(reply.body, emu.scriptSrc)).toBe(1);
  const { page, at } = withoutSnippet(reply.body, emu.scriptSrc);
  expect(page).toBe(original);
  // Right before the last </body>, whatever its letter case.
  expect(at).toBe(original.toLowerCase().lastIndexOf('</body>'));
  expect(reply.body.toString().includes('"session_token"')).toBe(user !== undefined);
  const length = reply.headers['content-length'];
  if (length !== undefined) expect(Number(length)).toBe(reply.body.length);
}

describe.each([
  ['the Node runtime (nodeBytes)', nodeEngine as CreateEngine],
  ['the web runtime (webBytes, fetch)', webEngine as CreateEngine],
])('Web Response injection on %s', (_, create) => {
  it('injects into a string body, for a user and for an anonymous visitor', async () => {
    const url = await startApp(create);
    expectInjected(await get(`${url}/string`), PAGE, 'alice');
    const anonymous = await get(`${url}/string`, { user: '' });
    expectInjected(anonymous, PAGE, undefined);
    expect(anonymous.headers['cache-control']).toBeUndefined();
  });

  it('injects into a Uint8Array body and removes its content-length, or makes it exact', async () => {
    const url = await startApp(create);
    const reply = await get(`${url}/bytes`);
    expectInjected(reply, PAGE, 'alice');
    expect(reply.headers['content-length']).not.toBe(String(encode(PAGE).length));
  });

  it('injects before the last </body> when the tag is split across chunks, in any case', async () => {
    const url = await startApp(create);
    expectInjected(await get(`${url}/stream`), '<html><body><p>Ünïcödé</p></bOdY></html>', 'alice');
  });

  it('encodes the strings of a text stream as UTF-8', async () => {
    const url = await startApp(create);
    expectInjected(await get(`${url}/text-stream`), '<html><body>é</body></html>', 'alice');
  });

  it("sends the first bytes before the route's stream has finished", async () => {
    const held = heldStream();
    const url = await startApp(create, {
      '/held': () => new Response(held.body, { headers: HTML }),
    });
    let finishedAtFirstBytes: boolean | undefined;
    const reply = await get(`${url}/held`, {
      onFirstBytes: () => {
        finishedAtFirstBytes = held.state.finished;
        held.release();
      },
    });
    expect(finishedAtFirstBytes).toBe(false);
    expectInjected(
      reply,
      '<html><head></head><body><p>first</p><p>rest</p></body></html>',
      'alice',
    );
  });

  it('rewrites the cache headers: etag and last-modified dropped, private, no-store for a user', async () => {
    const url = await startApp(create);
    const reply = await get(`${url}/cached`);
    expectInjected(reply, PAGE, 'alice');
    expect(reply.headers['cache-control']).toBe('private, no-store');
    expect(reply.headers.etag).toBeUndefined();
    expect(reply.headers['last-modified']).toBeUndefined();
    const anonymous = await get(`${url}/cached`, { user: '' });
    expectInjected(anonymous, PAGE, undefined);
    expect(anonymous.headers['cache-control']).toBe('public, max-age=600');
    expect(anonymous.headers.etag).toBeUndefined();
  });

  it('leaves a page that already loads scriptSrc unchanged', async () => {
    const url = await startApp(create);
    const reply = await get(`${url}/loaded`);
    expect(reply.body.toString()).toBe(
      `<html><body><script src="${emu.scriptSrc}"></script></body></html>`,
    );
  });

  it('injects into a fetch() response, whose headers are immutable, through a copy', async () => {
    const url = await startApp(create);
    const reply = await get(`${url}/fetched`);
    expectInjected(reply, PAGE, 'alice');
    expect(reply.headers.etag).toBeUndefined();
    expect(reply.headers['cache-control']).toBe('private, no-store');
  });

  it('leaves HEAD, non-HTML, 204, 206 and encoded responses, and an empty one, untouched', async () => {
    const url = await startApp(create);
    const head = await get(`${url}/cached`, { method: 'HEAD' });
    expect(head.body.length).toBe(0);
    expect(head.headers.etag).toBe('"v1"');
    expect(head.headers['content-length']).toBe(String(encode(PAGE).length));
    expect(head.headers['cache-control']).toBe('public, max-age=600');

    const json = await get(`${url}/json`);
    expect(json.body.toString()).toBe('{"a":"</body>"}');
    expect(json.headers.etag).toBe('"j"');
    expect(json.headers['content-length']).toBe('15');

    const noContent = await get(`${url}/204`);
    expect([noContent.status, noContent.body.length]).toEqual([204, 0]);

    const partial = await get(`${url}/206`);
    expect([partial.status, partial.body.toString()]).toEqual([206, PAGE.slice(0, 20)]);

    const encoded = await get(`${url}/encoded`);
    expect(encoded.headers['content-encoding']).toBe('gzip');
    expect(encoded.body.toString()).toBe('not really gzip </body>');

    const empty = await get(`${url}/no-body`);
    expect([empty.status, empty.body.length]).toEqual([200, 0]);
  });

  it('answers the token route with answerToResponse', async () => {
    const url = await startApp(create);
    const reply = await get(`${url}/plug/session`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    const body = JSON.parse(reply.body.toString()) as { session_token: string; expires_at: string };
    expect(body.session_token.split('.')).toHaveLength(3);
    const anonymous = await get(`${url}/plug/session`, { user: '' });
    expect(JSON.parse(anonymous.body.toString())).toEqual({ session_token: null });
  });
});

describe('injectIntoResponse', () => {
  const declining: ResponsePlanner = () => undefined;
  const snippet = '<script src="/plug.js"></script>';
  const planning: ResponsePlanner = (_status, headers) =>
    createInjectionPlan({
      snippet: { text: snippet, bytes: webBytes.latin1(snippet) },
      scriptSrc: createScriptSrcFinders('/plug.js', webBytes),
      identified: true,
      headers,
      bytes: webBytes,
    });

  /**
   * A body that counts its reads and gives `chunks` one per read, each at once, then fails with
   * `error` or ends. With `held`, every read after the first waits for `release()`: a page
   * still being made.
   */
  function countedBody(chunks: string[], options: { error?: Error; held?: boolean } = {}) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const source = { reads: 0, cancelled: [] as unknown[], release };
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          source.reads++;
          if (options.held && source.reads > 1) await released;
          const next = chunks.shift();
          if (next !== undefined) controller.enqueue(encode(next));
          else if (options.error) controller.error(options.error);
          else controller.close();
        },
        cancel(reason) {
          source.cancelled.push(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return { body, source };
  }

  async function chunksOf(body: ReadableStream<Uint8Array> | null): Promise<string[]> {
    const chunks: string[] = [];
    const reader = body!.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      expect(next.value.length).toBeGreaterThan(0);
      chunks.push(new TextDecoder().decode(next.value));
    }
    return chunks;
  }

  it('resolves to the response itself when it has no body or the planner declines', async () => {
    const calls: number[] = [];
    const counting: ResponsePlanner = (status) => {
      calls.push(status);
      return undefined;
    };
    const empty = new Response(null, { status: 204 });
    expect(await injectIntoResponse(empty, counting)).toBe(empty);
    expect(calls).toEqual([204]);
    // A planner that would inject still leaves a response without a body alone.
    const bodiless = new Response(null, { status: 200, headers: HTML });
    expect(
      await injectIntoResponse(
        bodiless,
        () =>
          ({
            startStream: () => {
              throw new Error('started');
            },
          }) as never,
      ),
    ).toBe(bodiless);
    const page = new Response(PAGE, { headers: HTML });
    expect(await injectIntoResponse(page, declining)).toBe(page);
    expect(
      await injectIntoResponse(page, () => {
        throw new Error('planner bug');
      }),
    ).toBe(page);
    expect(page.bodyUsed).toBe(false);
  });

  it('makes a new response with the same status and rewritten headers, leaving the original be', async () => {
    const original = new Response(streamOf([encode('<body>a</bo'), encode('dy>')]), {
      status: 201,
      statusText: 'Made',
      headers: { ...HTML, etag: '"x"', 'content-length': '15' },
    });
    const out = await injectIntoResponse(original, planning);
    expect(out).not.toBe(original);
    expect([out.status, out.statusText]).toEqual([201, 'Made']);
    expect(out.headers.get('etag')).toBeNull();
    expect(out.headers.get('cache-control')).toBe('private, no-store');
    expect(original.headers.get('etag')).toBe('"x"');
    const text = await out.text();
    expect(text).toBe(`<body>a${snippet}</body>`);
    expect(out.headers.get('content-length')).toBe(String(encode(text).length));
  });

  it('never changes the original response, only a copy of its headers', async () => {
    const original = new Response(PAGE, {
      status: 201,
      statusText: 'Made',
      headers: { ...HTML, etag: '"x"' },
    });
    const out = await injectIntoResponse(original, (_status, headers) => {
      headers.set('x-planned', 'yes');
      return undefined;
    });
    expect(out).toBe(original);
    expect(original.headers.get('x-planned')).toBeNull();
    expect(await original.text()).toBe(PAGE);
  });

  it('gives a page made whole as one body of exact content-length, read before it resolves', async () => {
    const { body, source } = countedBody(['<body>a</bo', 'd', 'y>', '<p>after</p>']);
    const out = await injectIntoResponse(new Response(body, { headers: HTML }), planning);
    expect(source.reads).toBe(5);
    const expected = `<body>a${snippet}</body><p>after</p>`;
    expect(out.headers.get('content-length')).toBe(String(encode(expected).length));
    expect(await chunksOf(out.body)).toEqual([expected]);
  });

  it('hands on a page still being made after what it has made, and reads the rest only as the new body is read', async () => {
    const { body, source } = countedBody(['<body>a</bo', 'd', 'y>', '<p>after</p>'], {
      held: true,
    });
    const out = await injectIntoResponse(new Response(body, { headers: HTML }), planning);
    // The first chunk was there; the second read waits for the route.
    expect(source.reads).toBe(2);
    expect(out.headers.get('content-length')).toBeNull();
    const reader = out.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('<body>a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.reads).toBe(2);
    source.release();
    const rest: string[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      expect(next.value.length).toBeGreaterThan(0);
      rest.push(new TextDecoder().decode(next.value));
    }
    expect(rest.join('')).toBe(`${snippet}</body><p>after</p>`);
  });

  it('reads ahead at most 64 KiB of a page that is all there, and streams the rest', async () => {
    const line = `<p>${'x'.repeat(1020)}</p>\n`;
    const chunks = ['<html><body>', ...Array.from({ length: 200 }, () => line), '</body></html>'];
    const page = chunks.join('');
    const { body, source } = countedBody([...chunks]);
    const out = await injectIntoResponse(new Response(body, { headers: HTML }), planning);
    expect(source.reads).toBeLessThan(80);
    expect(out.headers.get('content-length')).toBeNull();
    const text = (await chunksOf(out.body)).join('');
    expect(text).toBe(page.replace('</body></html>', `${snippet}</body></html>`));
  });

  it('cancels the original body with the reason the new one is cancelled with', async () => {
    const { body, source } = countedBody(['<html><body>first', '<p>never read</p>'], {
      held: true,
    });
    const out = await injectIntoResponse(new Response(body, { headers: HTML }), planning);
    const reader = out.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('<html><body>first');
    await reader.cancel('client went away');
    expect(source.cancelled).toEqual(['client went away']);
    expect(source.reads).toBe(2);
  });

  it("fails the new body with the original body's error, after what came before it", async () => {
    const failure = new Error('the route failed mid-page');
    for (const held of [false, true]) {
      const { body, source } = countedBody(['<html><body>first'], { error: failure, held });
      const out = await injectIntoResponse(new Response(body, { headers: HTML }), planning);
      const reader = out.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('<html><body>first');
      source.release();
      await expect(reader.read()).rejects.toBe(failure);
    }
  });
});

describe('webHeaders', () => {
  it('reads, sets and removes headers of a Headers object, a missing one as undefined', () => {
    const headers = new Headers({ 'content-type': 'text/html', etag: '"a"' });
    const access = webHeaders(headers);
    expect(access.get('Content-Type')).toBe('text/html');
    expect(access.get('content-length')).toBeUndefined();
    access.set('cache-control', 'private');
    access.remove('etag');
    expect([...headers]).toEqual([
      ['cache-control', 'private'],
      ['content-type', 'text/html'],
    ]);
  });
});
