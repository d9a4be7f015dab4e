import { describe, expect, it } from 'vitest';
import type { Driver } from './driver.js';
import { echo, type Options, startFailure, useHarness } from './support/harness.js';
import { echoRoute } from './support/pages.js';

/** Options that must stop the app from starting, and the option the message must name. */
const INVALID: ReadonlyArray<{ what: string; options: (base: Options) => Options; names: RegExp }> =
  [
    {
      what: 'no appAccessToken',
      options: ({ appAccessToken: _, ...rest }) => rest as Options,
      names: /appAccessToken/,
    },
    {
      what: 'an empty appAccessToken',
      options: (o) => ({ ...o, appAccessToken: '' }),
      names: /appAccessToken/,
    },
    {
      what: 'a blank appAccessToken',
      options: (o) => ({ ...o, appAccessToken: ' \n' }),
      names: /appAccessToken/,
    },
    {
      what: 'injectScript without appId',
      options: (o) => ({ ...o, injectScript: true }),
      names: /appId/,
    },
    {
      what: 'a malformed endpoint',
      options: (o) => ({ ...o, endpoint: 'not a url' }),
      names: /endpoint/,
    },
    { what: 'a timeoutMs of 0', options: (o) => ({ ...o, timeoutMs: 0 }), names: /timeoutMs/ },
    { what: 'a negative timeoutMs', options: (o) => ({ ...o, timeoutMs: -1 }), names: /timeoutMs/ },
  ];

/** The options table: invalid options fail at start-up, naming the option. */
export function optionsSuite(driver: Driver): void {
  const n = driver.name;
  describe(`${n}: options`, () => {
    const h = useHarness(driver);

    for (const { what, options, names } of INVALID) {
      it(`${n}: refuses to start with ${what}, naming the option`, async () => {
        const error = await startFailure(driver, options(h.options()));
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(names);
        expect(h.resolved).toEqual([]);
      });
    }

    it(`${n}: takes the endpoint as a URL object`, async () => {
      const app = await h.start([echoRoute()], h.options({ endpoint: new URL(h.emu.endpoint) }));
      expect((await echo(app, 'alice')).token).toEqual(expect.any(String));
      expect(h.emu.callCount).toBe(1);
    });

    it(`${n}: accepts the endpoint without the internal prefix (/auth-tokens.create)`, async () => {
      const endpoint = `${h.emu.url}/auth-tokens.create`;
      const app = await h.start([echoRoute()], h.options({ endpoint }));
      expect((await echo(app, 'alice')).token).toEqual(expect.any(String));
      expect(h.emu.calls.map((call) => call.path)).toEqual(['/auth-tokens.create']);
    });
  });
}
