import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as nodeEntry from '@plug-session/core';
import * as webEntry from '@plug-session/core/web';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const AAT = 'aat-web-entry-tests-5d1e';
// What the Node entry has and the web entry has not: its node/ helpers, over Node's http and
// streams.
const NODE_ONLY = [
  'createInjectTransform',
  'handleNodeRequest',
  'injectNodeBody',
  'injectNodeStream',
  'interceptResponse',
  'nodeHeaders',
];
const namesOf = (entry: object) => Object.keys(entry).sort();
const withoutNodeOnly = (names: string[]) => names.filter((name) => !NODE_ONLY.includes(name));

describe('the web entry', () => {
  it("exports the Node entry's names minus its node/ helpers", () => {
    expect(namesOf(webEntry)).toEqual(withoutNodeOnly(namesOf(nodeEntry)));
    for (const name of NODE_ONLY) expect(namesOf(nodeEntry)).toContain(name);
  });

  it('is built with the same names (dist/web.js and dist/index.js)', async () => {
    const load = (file: string) => import(pathToFileURL(join(here, 'dist', file)).href);
    const [builtWeb, builtNode] = await Promise.all([load('web.js'), load('index.js')]);
    expect(namesOf(builtWeb)).toEqual(namesOf(webEntry));
    expect(namesOf(builtWeb)).toEqual(withoutNodeOnly(namesOf(builtNode)));
  });

  it.each(['workerd', 'worker', 'deno', 'bun', 'edge-light'])(
    'is what the package name resolves to under the %s condition',
    (condition) => {
      // The package imports itself by name (Node's self-reference), through its exports map.
      const script =
        "const m = await import('@plug-session/core'); console.log(typeof m.createPlugSession, typeof m.handleNodeRequest)";
      const run = (args: string[]) =>
        execFileSync(process.execPath, [...args, '--input-type=module', '-e', script], {
          cwd: here,
          encoding: 'utf8',
        }).trim();
      expect(run([`--conditions=${condition}`])).toBe('function undefined');
      expect(run([])).toBe('function function');
    },
  );
});

describe('an engine on the web runtime, running on Node', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ appAccessToken: AAT });
  });
  afterAll(() => emu.close());

  const plugFor = () =>
    webEntry.createPlugSession<Request>({
      appAccessToken: AAT,
      endpoint: emu.endpoint,
      appId: 'app-web-entry',
      injectScript: { scriptSrc: emu.scriptSrc },
      tokenRoute: '/plug/session',
      resolveUser: (request) => {
        const user = request.headers.get('x-user');
        return user ? { user_ref: user } : null;
      },
    });
  const handle = (plug: ReturnType<typeof plugFor>, path: string) => {
    const request = new Request(`http://app.test${path}`, { headers: { 'x-user': 'alice' } });
    return plug.handle(request, { method: 'GET', path, shared: request });
  };

  it("resolves the user's token through fetch and injects it into a streamed page", async () => {
    const plug = plugFor();
    try {
      const outcome = await handle(plug, '/page');
      if (outcome.kind !== 'proceed') throw new Error(`expected to proceed, got ${outcome.kind}`);
      const token = outcome.token ?? '';
      expect(emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: 'alice' } });
      expect(emu.callCount).toBeGreaterThan(0);

      const page = ['<html><body><p>hi</p></bo', 'dy></html>'];
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of page) controller.enqueue(new TextEncoder().encode(part));
          controller.close();
        },
      });
      const headers = { 'content-type': 'text/html; charset=utf-8', 'content-length': '35' };
      const response = new Response(body, { headers });
      const planResponse = outcome.planResponse;
      if (!planResponse) throw new Error('expected a planner: injectScript is on');
      const injected = await webEntry.injectIntoResponse(response, planResponse);

      expect(injected).not.toBe(response);
      expect(injected.headers.get('cache-control')).toContain('no-store');
      const chunks: Uint8Array[] = [];
      const reader = (injected.body as ReadableStream<Uint8Array>).getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        chunks.push(read.value);
      }
      // The web runtime's byte kit makes plain Uint8Arrays, never Node's buffers.
      for (const chunk of chunks) expect(Buffer.isBuffer(chunk)).toBe(false);
      const text = new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
      expect(text).toMatch(/^<html><body><p>hi<\/p><script src="[^"]+"><\/script><script>/);
      expect(text).toContain(`"session_token":"${token}"`);
      expect(text.endsWith('</script></body></html>')).toBe(true);
      // The stream was whole at once: the new body's length is known and exact.
      expect(injected.headers.get('content-length')).toBe(
        String(new TextEncoder().encode(text).length),
      );
    } finally {
      await plug.close();
    }
  });

  it('answers the token route with the same token', async () => {
    const plug = plugFor();
    try {
      const outcome = await handle(plug, '/plug/session');
      if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${outcome.kind}`);
      const response = webEntry.answerToResponse(outcome.answer);
      expect(response.status).toBe(200);
      const { session_token } = (await response.json()) as { session_token: string };
      expect(emu.verifyToken(session_token)).toMatchObject({ valid: true });
    } finally {
      await plug.close();
    }
  });
});
