import { type Emulator, startEmulator } from '@plug-session/emulator';
import type { Express } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import { pinoHttp } from 'pino-http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { type PlugSessionExpressOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';
import { AAT, send } from './support.js';

// Issue 20, "logs where the app logs": with no onError, the default warning goes through
// pino-http's `req.log` when the app has one, else through console.warn as before.

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

const options = (): PlugSessionExpressOptions => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  resolveUser: (req) => {
    const user = req.get('x-user');
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

describe.each([
  ['express4', (): Express => express4()],
  ['express5', (): Express => express5()],
] as const)('%s: the default warning', (_name, createApp) => {
  async function start(setup: (app: Express) => void): Promise<string> {
    const app = createApp();
    setup(app);
    app.get('/', (req, res) => {
      res.json({ token: req.plugSessionToken ?? null });
    });
    const server = await listen(app);
    running.push(server);
    return server.url;
  }

  test('goes through pino-http’s req.log, once per cause, with the error as err and no trace of the AAT', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const capture = pinoCapture();
    const url = await start((app) => {
      app.use(pinoHttp({}, capture.stream));
      app.use(plugSession(options()));
    });
    emu.setFault(ECHOING_400);
    for (const user of ['alice', 'bob']) {
      const reply = await send(`${url}/`, { headers: { 'x-user': user } });
      expect(JSON.parse(reply.body.toString())).toEqual({ token: null });
    }

    const ours = capture.lines().filter((line) => String(line.msg).startsWith('[plug-session]'));
    expect(ours, 'one warning for two 400s').toHaveLength(1);
    const [line] = ours;
    expect(line?.level).toBe(40);
    expect(String(line?.msg)).toMatch(/^\[plug-session\] BAD_REQUEST: .*field_name: rev_info\./);
    // Bound to the request by pino-http: this is the request's own logger.
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
    const url = await start((app) => {
      app.use(plugSession(options()));
    });
    emu.setFault(ECHOING_400);
    await send(`${url}/`, { headers: { 'x-user': 'carol' } });
    expect(warn).toHaveBeenCalledTimes(1);
    const printed = warn.mock.calls.flat().map(String).join('\n');
    expect(printed).toMatch(/^\[plug-session\] BAD_REQUEST: /);
    expect(printed).not.toContain(AAT);
  });

  test('is replaced by onError: nothing of plug-session reaches req.log', async () => {
    const capture = pinoCapture();
    const onError = vi.fn();
    const url = await start((app) => {
      app.use(pinoHttp({}, capture.stream));
      app.use(plugSession({ ...options(), onError }));
    });
    emu.setFault(ECHOING_400);
    await send(`${url}/`, { headers: { 'x-user': 'dave' } });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(capture.written.join('')).not.toContain('[plug-session]');
  });
});
