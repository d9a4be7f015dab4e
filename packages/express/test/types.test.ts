import type { Request, RequestHandler, Response } from 'express';
import express5 from 'express5';
import { expectTypeOf, test } from 'vitest';
import { type PlugSessionExpressOptions, plugSession } from '../src/index.js';

// These assertions are checked by `tsc` (the package's typecheck includes test/); at run time
// they only show that the calls are well formed.

test('req.plugSessionToken is string | undefined in an Express handler, without a cast', () => {
  const app = express5();
  app.get('/', (req, res) => {
    expectTypeOf(req.plugSessionToken).toEqualTypeOf<string | undefined>();
    res.end();
  });
  const handler = (req: Request, res: Response): void => {
    expectTypeOf(req.plugSessionToken).toEqualTypeOf<string | undefined>();
    res.json({ token: req.plugSessionToken ?? null });
  };
  expectTypeOf(handler).toBeFunction();
});

test("plugSession takes options typed with Express's Request and returns a RequestHandler with close()", () => {
  expectTypeOf(plugSession).parameter(0).toEqualTypeOf<PlugSessionExpressOptions>();
  expectTypeOf(plugSession).returns.toExtend<RequestHandler>();
  expectTypeOf(plugSession).returns.toHaveProperty('close').toEqualTypeOf<() => Promise<void>>();
  const options: PlugSessionExpressOptions = {
    appAccessToken: 'aat',
    resolveUser: (req) => {
      expectTypeOf(req).toEqualTypeOf<Request>();
      return req.get('x-user') ? { user_ref: 'u' } : null;
    },
    injectScript: { nonce: (req) => req.get('x-nonce') },
    skip: (req) => req.path.startsWith('/assets/'),
  };
  expectTypeOf(options.resolveUser).parameter(0).toEqualTypeOf<Request>();
});
