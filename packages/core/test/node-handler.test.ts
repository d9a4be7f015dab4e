import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { handleNodeRequest } from '../src/node/handle-node-request.js';
import type { PlugSessionOptions } from '../src/options/option-types.js';
import { createPlugSession } from '../src/runtime/node-runtime.js';

const AAT = 'aat-node-handler-tests';
const PAGE = '<!doctype html><html><body><h1>Hello</h1></body></html>';

let emu: Emulator;
const servers: Server[] = [];
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(() => emu.close());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const options = (
  extra: Partial<PlugSessionOptions<IncomingMessage>> = {},
): PlugSessionOptions<IncomingMessage> => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  appId: 'app-node',
  injectScript: { scriptSrc: emu.scriptSrc },
  tokenRoute: '/plug/session',
  resolveUser: (req) => {
    const user = req.headers['x-user'];
    return typeof user === 'string' ? { user_ref: user } : null;
  },
  onError: () => {},
  ...extra,
});

/** The plain node:http server core's README shows, with `extra` engines mounted inside. */
async function start(
  engineOptions = options(),
  inner?: PlugSessionOptions<IncomingMessage>,
): Promise<{ url: string; seen: Array<string | undefined> }> {
  const plug = createPlugSession(engineOptions);
  const innerPlug = inner && createPlugSession(inner);
  const seen: Array<string | undefined> = [];
  const server = createServer(async (req, res) => {
    const outcome = await handleNodeRequest(plug, req, res);
    if (outcome.kind === 'answered') return;
    if (innerPlug && (await handleNodeRequest(innerPlug, req, res)).kind === 'answered') return;
    seen.push(outcome.token);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(PAGE);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function get(url: string, method = 'GET', user = 'alice') {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>(
    (resolve, reject) => {
      const req = request(url, { method, headers: { 'x-user': user }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

const snippetCount = (body: string) => body.split(emu.scriptSrc).length - 1;

describe('handleNodeRequest on a plain node:http server', () => {
  test('resolves the token, hands it to the handler and injects the snippet once', async () => {
    const { url, seen } = await start();
    const reply = await get(`${url}/`);
    expect(reply.status).toBe(200);
    expect(snippetCount(reply.body)).toBe(1);
    expect(reply.body.indexOf(emu.scriptSrc)).toBeLessThan(reply.body.indexOf('</body>'));
    expect(emu.verifyToken(seen[0]!).valid).toBe(true);
    expect(reply.body).toContain(`"session_token":"${seen[0]}"`);
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)));
  });

  test("answers GET on the token route (query ignored) and returns 'answered'", async () => {
    const { url, seen } = await start();
    const reply = await get(`${url}/plug/session?t=1`);
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(reply.body) as { session_token: string; expires_at: string };
    expect(emu.verifyToken(body.session_token).valid).toBe(true);
    expect(seen).toEqual([]);
  });

  test('skips HEAD: nothing resolved, nothing injected, no call to DevRev', async () => {
    emu.clearCalls();
    const { url, seen } = await start();
    const reply = await get(`${url}/`, 'HEAD');
    expect(reply.status).toBe(200);
    expect(seen).toEqual([undefined]);
    expect(emu.callCount).toBe(0);
  });

  test('two engines on one response inject once', async () => {
    const { url } = await start(options(), options({ tokenRoute: false }));
    const reply = await get(`${url}/`);
    expect(snippetCount(reply.body)).toBe(1);
  });
});

describe('two engines on one request', () => {
  test('resolve once: the inner one reuses the outer one’s token, with no call of its own', async () => {
    const calls: string[] = [];
    const counting = (name: string) =>
      options({
        cache: false,
        tokenRoute: false,
        resolveUser: (req) => {
          calls.push(name);
          return { user_ref: String(req.headers['x-user']) };
        },
      });
    const { url, seen } = await start(counting('outer'), counting('inner'));
    emu.clearCalls();
    const reply = await get(`${url}/`);
    expect(calls).toEqual(['outer']);
    expect(emu.callCount).toBe(1);
    expect(reply.body).toContain(`"session_token":"${seen[0]}"`);
  });
});
