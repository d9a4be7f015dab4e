import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Driver, RunningApp } from '../driver.js';
import { AAT, type Options, useHarness } from './harness.js';

/** Where a framework's request logger lives, and how an app with it starts. */
export interface AppLogger {
  /** What the logger is called in test names: "pino-http’s req.log". */
  name: string;
  /**
   * Starts an app: the framework's request logger writing its lines to `stream` when one is
   * given (none: the app has no logger), then the adapter with `options`, then a route at `/`
   * answering JSON `{ "token": <the request's token or null> }`.
   */
  start(options: Options, stream?: { write(line: string): void }): Promise<RunningApp>;
}

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

/** Every line pino wrote, as written (to search for the AAT) and parsed. */
function pinoCapture() {
  const written: string[] = [];
  const stream = { write: (line: string) => void written.push(line) };
  const lines = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, written, lines };
}

/**
 * API.md's `onError` default: with no `onError`, the warning goes through the request's own
 * logger when the app has one, else through `console.warn`; the AAT in none of it.
 */
export function appLoggerSuite(driver: Driver, logger: AppLogger): void {
  describe(`${driver.name}: the default warning`, () => {
    const h = useHarness(driver);
    afterEach(() => void vi.restoreAllMocks());
    // No onError: the default reporter is what is under test.
    const withoutOnError = (): Options => ({ ...h.options(), onError: undefined });
    const start = async (options: Options, stream?: { write(line: string): void }) => {
      const app = h.track(await logger.start(options, stream));
      h.emu.setFault(ECHOING_400);
      return app;
    };

    test(`goes through ${logger.name}, once per cause, with the error as err and no trace of the AAT`, async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const capture = pinoCapture();
      const app = await start(withoutOnError(), capture.stream);
      for (const user of ['alice', 'bob']) {
        const reply = await app.send('/', { user });
        expect(JSON.parse(reply.text)).toEqual({ token: null });
      }

      const ours = capture.lines().filter((line) => String(line.msg).startsWith('[plug-session]'));
      expect(ours, 'one warning for two 400s').toHaveLength(1);
      const [line] = ours;
      expect(line?.level).toBe(40);
      expect(String(line?.msg)).toMatch(/^\[plug-session\] BAD_REQUEST: .*field_name: rev_info\./);
      // Bound to the request by the framework's logger: this is the request's own logger.
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
      const app = await start(withoutOnError());
      await app.send('/', { user: 'carol' });
      expect(warn).toHaveBeenCalledTimes(1);
      const printed = warn.mock.calls.flat().map(String).join('\n');
      expect(printed).toMatch(/^\[plug-session\] BAD_REQUEST: /);
      expect(printed).not.toContain(AAT);
    });

    test(`is replaced by onError: nothing of plug-session reaches ${logger.name.split(' ').at(-1)}`, async () => {
      const capture = pinoCapture();
      const onError = vi.fn();
      const app = await start({ ...h.options(), onError }, capture.stream);
      await app.send('/', { user: 'dave' });
      expect(onError).toHaveBeenCalledTimes(1);
      expect(capture.written.join('')).not.toContain('[plug-session]');
    });
  });
}
