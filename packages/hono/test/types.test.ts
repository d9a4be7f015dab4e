import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { describe, expectTypeOf, test } from 'vitest';
import {
  type PlugSessionHonoOptions,
  type PlugSessionMiddleware,
  type PlugSessionVariables,
  plugSession,
} from '../src/index.js';

// Checked by `pnpm --filter @plug-session/hono typecheck` (tsconfig includes test/); the
// shipped declarations carry the same augmentation (see exports.test.ts).
describe('the Hono typings', () => {
  test('c.var.plugSessionToken and c.get("plugSessionToken") are string | undefined in a route', () => {
    const app = new Hono();
    app.get('/', (c) => {
      expectTypeOf(c.var.plugSessionToken).toEqualTypeOf<string | undefined>();
      expectTypeOf(c.get('plugSessionToken')).toEqualTypeOf<string | undefined>();
      return c.text('ok');
    });
  });

  test('an app with its own Variables sees the token typed too, next to its own', () => {
    const app = new Hono<{ Variables: { user: { id: string } } }>();
    app.use(async (c, next) => {
      expectTypeOf(c.var.plugSessionToken).toEqualTypeOf<string | undefined>();
      expectTypeOf(c.get('plugSessionToken')).toEqualTypeOf<string | undefined>();
      expectTypeOf(c.var.user).toEqualTypeOf<{ id: string }>();
      await next();
    });
  });

  test('c.set only takes a string or undefined for the token', () => {
    const handler = (c: Context) => {
      c.set('plugSessionToken', 'token');
      c.set('plugSessionToken', undefined);
      // @ts-expect-error the token is a string, not a number
      c.set('plugSessionToken', 42);
    };
    expectTypeOf(handler).toBeFunction();
    expectTypeOf<PlugSessionVariables>().toEqualTypeOf<{ plugSessionToken: string | undefined }>();
  });

  test('resolveUser gets the Hono Context and plugSession returns middleware with close()', () => {
    expectTypeOf<Parameters<PlugSessionHonoOptions['resolveUser']>[0]>().toEqualTypeOf<Context>();
    expectTypeOf(plugSession).returns.toEqualTypeOf<PlugSessionMiddleware>();
    expectTypeOf<PlugSessionMiddleware>().toExtend<MiddlewareHandler>();
    expectTypeOf<PlugSessionMiddleware['close']>().toEqualTypeOf<() => Promise<void>>();
  });

  test('the middleware mounts on an app with Bindings, created lazily from c.env', () => {
    const app = new Hono<{ Bindings: { DEVREV_AAT: string } }>();
    let middleware: PlugSessionMiddleware | undefined;
    app.use((c, next) => {
      middleware ??= plugSession({
        appAccessToken: c.env.DEVREV_AAT,
        resolveUser: () => null,
      });
      return middleware(c, next);
    });
  });
});
