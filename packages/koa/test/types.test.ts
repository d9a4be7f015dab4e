import type { Context, Middleware } from 'koa';
import Koa from 'koa';
import { describe, expectTypeOf, test } from 'vitest';
import { type PlugSessionKoaOptions, plugSession } from '../src/index.js';

// Checked by `pnpm --filter @plug-session/koa typecheck` (tsconfig includes test/); the
// shipped declarations carry the same augmentation (see exports.test.ts).
describe('the Koa typings', () => {
  test('ctx.state.plugSessionToken and ctx.request.plugSessionToken are string | undefined', () => {
    const handler = (ctx: Context) => {
      expectTypeOf(ctx.state.plugSessionToken).toEqualTypeOf<string | undefined>();
      expectTypeOf(ctx.request.plugSessionToken).toEqualTypeOf<string | undefined>();
    };
    expectTypeOf(handler).toBeFunction();
  });

  test('an app.use handler sees the same types without a cast', () => {
    const app = new Koa();
    app.use((ctx, next) => {
      expectTypeOf(ctx.state.plugSessionToken).toEqualTypeOf<string | undefined>();
      expectTypeOf(ctx.request.plugSessionToken).toEqualTypeOf<string | undefined>();
      return next();
    });
  });

  test('resolveUser gets the Koa Context and plugSession returns Koa middleware with close()', () => {
    expectTypeOf<Parameters<PlugSessionKoaOptions['resolveUser']>[0]>().toEqualTypeOf<Context>();
    expectTypeOf(plugSession).returns.toExtend<Middleware>();
    expectTypeOf(plugSession).returns.toHaveProperty('close').toEqualTypeOf<() => Promise<void>>();
  });
});
