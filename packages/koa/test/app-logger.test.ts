import { type Emulator, startEmulator } from '@plug-session/emulator';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import koaPinoLogger from 'koa-pino-logger';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { type PlugSessionKoaOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';
import { get } from './http.js';

// Issue 20, "logs where the app logs": with no onError, the default warning goes through
// koa-pino-logger's `ctx.log` when the app has one, else through console.warn as before.

const AAT = 'aat-koa-logger-3d9a';

/** A 400 that echoes the AAT in each of DevRev's own words: none of it may reach a log. */
const ECHOING_400 = {
  type: 'status',
  status: 400,
  body: {
    type: 'invalid_field',
    message: `bad authorization ${AAT}`,
    field_name: `rev_info.${AAT}`,
    detail: `echoed ${AAT}`,
  },
} as const;

let emu: Emulator;
const running: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.setFault(undefined);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
  vi.restoreAllMocks();
});

const options = (): PlugSessionKoaOptions => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  resolveUser: (ctx) => {
    const user = ctx.get('x-user');
    return user ? { user_ref: user } : null;
  },
});

/** Every line pino wrote, as written (to search for the AAT) and parsed. */
function pinoCapture() {
  const written: string[] = [];
  const stream = { write: (line: string) => void written.push(line) };
  const lines = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, written, lines };
}

const answerToken: Middleware = (ctx) => {
  ctx.body = { token: ctx.state.plugSessionToken ?? null };
};

describe.each([
  ['koa2', Koa2],
  ['koa3', Koa3],
] as const)('%s: the default warning', (_name, KoaApp: typeof Koa) => {
  async function serve(...middleware: Middleware[]): Promise<string> {
    const app = new KoaApp();
    app.on('error', () => {});
    for (const m of [...middleware, answerToken]) app.use(m);
    const server = await listen(app);
    running.push(server);
    return server.url;
  }

  test('goes through koa-pino-logger’s ctx.log, once per cause, with the error as err and no trace of the AAT', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const capture = pinoCapture();
    const url = await serve(koaPinoLogger({}, capture.stream), plugSession(options()));
    emu.setFault(ECHOING_400);
    for (const user of ['alice', 'bob']) {
      const reply = await get(url, { 'x-user': user });
      expect(JSON.parse(reply.body.toString())).toEqual({ token: null });
    }

    const ours = capture.lines().filter((line) => String(line.msg).startsWith('[plug-session]'));
    expect(ours, 'one warning for two 400s').toHaveLength(1);
    const [line] = ours;
    expect(line?.level).toBe(40);
    expect(String(line?.msg)).toMatch(/^\[plug-session\] BAD_REQUEST: .*field_name: rev_info\./);
    // Bound to the request by koa-pino-logger: this is the request's own logger.
    expect(line?.req).toMatchObject({ method: 'GET', url: '/' });
    expect(line?.err).toMatchObject({
      type: 'PlugSessionError',
      code: 'BAD_REQUEST',
      status: 400,
      fieldName: 'rev_info.[redacted]',
      detail: 'echoed [redacted]',
    });
    expect(warn).not.toHaveBeenCalled();
    expect(capture.written.join('')).not.toContain(AAT);
  });

  test('goes to console.warn when the app has no logger', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const url = await serve(plugSession(options()));
    emu.setFault(ECHOING_400);
    await get(url, { 'x-user': 'carol' });
    expect(warn).toHaveBeenCalledTimes(1);
    const printed = warn.mock.calls.flat().map(String).join('\n');
    expect(printed).toMatch(/^\[plug-session\] BAD_REQUEST: /);
    expect(printed).not.toContain(AAT);
  });

  test('is replaced by onError: nothing of plug-session reaches ctx.log', async () => {
    const capture = pinoCapture();
    const onError = vi.fn();
    const url = await serve(
      koaPinoLogger({}, capture.stream),
      plugSession({ ...options(), onError }),
    );
    emu.setFault(ECHOING_400);
    await get(url, { 'x-user': 'dave' });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(capture.written.join('')).not.toContain('[plug-session]');
  });
});
