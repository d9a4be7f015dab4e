import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { describe, expect, test } from 'vitest';
import { HTML, open, PAGE, send, snippetIn, tokenIn, useSetup } from './support.js';

const s = useSetup();
const encoder = new TextEncoder();
const alice = { headers: { 'x-user': 'alice' } };

/** A Web stream that hands out `chunks` one per read. */
function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  const rest = [...chunks];
  return new ReadableStream({
    pull(controller) {
      const chunk = rest.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
}

/** The bytes of `text` cut at the given byte offsets. */
function cutAt(text: string, ...offsets: number[]): Uint8Array[] {
  const all = encoder.encode(text);
  const cuts = [0, ...offsets, all.length];
  return cuts.slice(1).map((end, index) => all.subarray(cuts[index], end));
}

/** Requests `path` as alice and checks one snippet with alice's token went in before `</body>`. */
async function expectInjected(url: string, path: string, page: string | Uint8Array = PAGE) {
  const reply = await send(`${url}${path}`, alice);
  expect(reply.status, path).toBe(200);
  const snippet = snippetIn(reply.body, page, s.emulator.scriptSrc);
  expect(s.emulator.verifyToken(tokenIn(snippet) ?? ''), path).toMatchObject({
    claims: { sub: 'alice' },
  });
  const length = reply.headers['content-length'];
  if (length !== undefined) expect(length, path).toBe(String(reply.body.length));
  return reply;
}

describe('injection into every kind of Hono body', () => {
  test('injects once into string, Uint8Array, ArrayBuffer and ReadableStream bodies, and a Response returned as it is', async () => {
    const bytes = encoder.encode(PAGE);
    const app = new Hono();
    app.use(s.plugSession());
    app.get('/string', (c) => c.html(PAGE));
    app.get('/uint8array', (c) => c.body(bytes, 200, { 'content-type': HTML }));
    app.get('/arraybuffer', (c) => c.body(bytes.slice().buffer, 200, { 'content-type': HTML }));
    app.get('/stream', (c) => c.body(streamOf(cutAt(PAGE, 5, 40)), 200, { 'content-type': HTML }));
    app.get('/response', () => new Response(PAGE, { headers: { 'content-type': HTML } }));
    app.get('/streaming-helper', (c) => {
      c.header('content-type', HTML);
      return stream(c, async (out) => {
        for (const piece of cutAt(PAGE, 10, 60, 70)) await out.write(piece);
      });
    });
    const url = await s.serve(app);
    for (const path of ['/string', '/uint8array', '/arraybuffer', '/stream', '/response']) {
      await expectInjected(url, path);
    }
    await expectInjected(url, '/streaming-helper');
    expect(s.errors).toEqual([]);
  });

  test('sends a page the route made whole as one body of exact content-length, not chunked', async () => {
    const bytes = encoder.encode(PAGE);
    const app = new Hono();
    app.use(s.plugSession());
    app.get('/string', (c) => c.html(PAGE));
    app.get('/uint8array', (c) => c.body(bytes, 200, { 'content-type': HTML }));
    app.get('/stream', (c) => c.body(streamOf(cutAt(PAGE, 5, 40)), 200, { 'content-type': HTML }));
    const url = await s.serve(app);
    for (const path of ['/string', '/uint8array', '/stream']) {
      const reply = await expectInjected(url, path);
      expect(reply.headers['content-length'], path).toBe(String(reply.body.length));
      expect(reply.headers['transfer-encoding'], path).toBeUndefined();
    }
  });

  test('injects before the last </body> when the tag is split across chunks, at every byte', async () => {
    const body = encoder.encode(PAGE).length - encoder.encode('</body></html>').length;
    const app = new Hono();
    app.use(s.plugSession());
    const cuts = [1, 2, 3, 4, 5, 6].map((k) => body + k);
    for (const cut of cuts) {
      app.get(`/split-${cut}`, (c) =>
        c.body(streamOf(cutAt(PAGE, cut)), 200, { 'content-type': HTML }),
      );
    }
    // Every byte its own chunk: the tag and the multi-byte characters cut everywhere at once.
    const oneByOne = Array.from(encoder.encode(PAGE), (byte) => Uint8Array.of(byte));
    app.get('/bytes', (c) => c.body(streamOf(oneByOne), 200, { 'content-type': HTML }));
    const url = await s.serve(app);
    for (const cut of cuts) await expectInjected(url, `/split-${cut}`);
    await expectInjected(url, '/bytes');
  });

  test("sends the first bytes before the route's stream has finished", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const head = '<!doctype html><html><body><p>first</p>\n<p>more of the page</p>\n';
    const app = new Hono();
    app.use(s.plugSession());
    app.get('/held', (c) => {
      const parts = [
        encoder.encode(head),
        encoder.encode('<p>last</p></bo'),
        encoder.encode('dy></html>'),
      ];
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          // The rest of the page waits until the client has read the first bytes: a body held
          // whole by the adapter would never reach the client, and the test would time out.
          if (parts.length < 3) await released;
          const part = parts.shift();
          if (part !== undefined) return controller.enqueue(part);
          routeFinished = true;
          controller.close();
        },
      });
      return c.body(body, 200, { 'content-type': HTML });
    });
    const url = await s.serve(app);
    let routeFinished = false;
    let firstWhileOpen: boolean | undefined;
    const res = await open(`${url}/held`, alice);
    const received: Buffer[] = [];
    const ended = new Promise<void>((resolve) => res.on('end', resolve));
    // Released once the first paragraph has arrived, whatever pieces the socket cut it into.
    res.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (firstWhileOpen === undefined && Buffer.concat(received).includes('<p>first</p>')) {
        firstWhileOpen = !routeFinished;
        release();
      }
    });
    await released;
    expect(firstWhileOpen, "the first bytes arrived while the route's stream was open").toBe(true);
    await ended;
    const page = `${head}<p>last</p></body></html>`;
    const snippet = snippetIn(Buffer.concat(received), page, s.emulator.scriptSrc);
    expect(s.emulator.verifyToken(tokenIn(snippet) ?? '')).toMatchObject({ valid: true });
  });

  test('leaves a page that already loads plug.js byte-identical', async () => {
    const loaded = `<html><body><script src="${s.emulator.scriptSrc}"></script></body></html>`;
    const app = new Hono();
    app.use(s.plugSession());
    app.get('/string', (c) => c.html(loaded));
    app.get('/stream', (c) => c.body(streamOf(cutAt(loaded, 20)), 200, { 'content-type': HTML }));
    const url = await s.serve(app);
    for (const path of ['/string', '/stream']) {
      expect((await send(`${url}${path}`, alice)).text).toBe(loaded);
    }
  });
});
