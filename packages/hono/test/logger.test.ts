import { inspect } from 'node:util';
import type { PlugSessionError } from '@plug-session/core';
import { Hono } from 'hono';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AAT, PAGE, send, useSetup } from './support.js';

const s = useSetup();
afterEach(() => void vi.restoreAllMocks());

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

interface WarnLogger {
  warn(obj: { err: PlugSessionError }, msg: string): void;
}

/** An app whose earlier middleware sets `c.var.logger` (as hono-pino does), when given one. */
async function serveWith(logger: unknown, onError?: (error: PlugSessionError) => void) {
  const app = new Hono<{ Variables: { logger: unknown } }>();
  if (logger !== undefined) {
    app.use((c, next) => {
      c.set('logger', logger);
      return next();
    });
  }
  app.use(s.plugSession({ onError, tokenRoute: '/plug/session' }));
  app.get('/page', (c) => c.html(PAGE));
  const url = await s.serve(app as unknown as Hono);
  s.emulator.setFault(ECHOING_400);
  return url;
}

describe('the default warning', () => {
  test('goes through c.var.logger, once per cause, with the error as err and no trace of the AAT', async () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const warn = vi.fn<WarnLogger['warn']>();
    const url = await serveWith({ warn });
    for (const user of ['alice', 'bob']) {
      const reply = await send(`${url}/page`, { headers: { 'x-user': user } });
      expect(reply.text, 'no snippet without a token').toBe(PAGE);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    const [obj, msg] = warn.mock.calls[0]!;
    expect(msg).toMatch(/^\[plug-session\] BAD_REQUEST: /);
    expect(obj.err).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    expect(consoleWarn).not.toHaveBeenCalled();
    expect(inspect(warn.mock.calls, { depth: 10, showHidden: true })).not.toContain(AAT);
    expect(JSON.stringify(warn.mock.calls)).not.toContain(AAT);
    expect(msg).not.toContain(AAT);
  });

  for (const [what, logger] of [
    ['the app has no logger', undefined],
    ['c.var.logger has no warn function', { info() {} }],
    [
      'c.var.logger throws',
      {
        warn() {
          throw new Error('broken logger');
        },
      },
    ],
  ] as const) {
    test(`goes to console.warn when ${what}`, async () => {
      const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const url = await serveWith(logger);
      await send(`${url}/page`, { headers: { 'x-user': 'carol' } });
      expect(consoleWarn).toHaveBeenCalledTimes(1);
      const printed = consoleWarn.mock.calls.flat().map(String).join('\n');
      expect(printed).toMatch(/^\[plug-session\] BAD_REQUEST: /);
      expect(printed).not.toContain(AAT);
    });
  }

  test('is replaced by onError: nothing reaches c.var.logger nor the console', async () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const warn = vi.fn();
    const onError = vi.fn();
    const url = await serveWith({ warn }, onError);
    await send(`${url}/page`, { headers: { 'x-user': 'dave' } });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  test('the AAT is in no response and no log line when DevRev echoes it', async () => {
    const lines: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args) => void lines.push(inspect(args)));
    }
    const warn = vi.fn((...args: unknown[]) => void lines.push(inspect(args, { depth: 10 })));
    const url = await serveWith({ warn });
    const replies = [];
    for (const path of ['/page', '/plug/session', '/plug/session?x=1']) {
      replies.push(await send(`${url}${path}`, { headers: { 'x-user': 'erin' } }));
      replies.push(await send(`${url}${path}`));
    }
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 503, 200, 503, 200]);
    expect(lines.length, 'the failure was logged').toBeGreaterThan(0);
    const shown = replies.map((reply) => `${JSON.stringify(reply.headers)}\n${reply.text}`);
    for (const text of [...shown, ...lines]) expect(text).not.toContain(AAT);
  });
});
