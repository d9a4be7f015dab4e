import { mountedTwicePageSuite, pageWith } from '@plug-session/conformance';
import type Koa from 'koa';
import type { Context } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { plugSession } from '../src/index.js';
import { koa2Driver, koa3Driver, listen } from './driver.js';

// Koa's way of mounting a middleware twice on one request: two `app.use`. The route renders
// the token only when Koa's two places of it, ctx.state and ctx.request, agree.

for (const [driver, KoaApp] of [
  [koa2Driver, Koa2],
  [koa3Driver, Koa3],
] as const) {
  mountedTwicePageSuite(driver, [
    {
      how: 'mounted twice with app.use',
      async start(outer, inner) {
        const app: Koa = new KoaApp();
        app.on('error', () => {});
        app.use(plugSession(outer));
        app.use(plugSession(inner));
        app.use((ctx: Context) => {
          const { plugSessionToken } = ctx.state as { plugSessionToken?: string };
          ctx.type = 'html';
          ctx.body =
            plugSessionToken === ctx.request.plugSessionToken
              ? pageWith(plugSessionToken)
              : 'ctx.state and ctx.request differ';
        });
        return listen(app);
      },
    },
  ]);
}
