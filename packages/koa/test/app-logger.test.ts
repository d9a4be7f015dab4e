import { appLoggerSuite, type Options } from '@plug-session/conformance';
import type Koa from 'koa';
import koaPinoLogger from 'koa-pino-logger';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { plugSession } from '../src/index.js';
import { koa2Driver, koa3Driver, listen } from './driver.js';

// With no onError, the default warning goes through koa-pino-logger's `ctx.log` when the app
// has one.
for (const [driver, KoaApp] of [
  [koa2Driver, Koa2],
  [koa3Driver, Koa3],
] as const) {
  appLoggerSuite(driver, {
    name: 'koa-pino-logger’s ctx.log',
    start(options: Options, stream) {
      const app: Koa = new KoaApp();
      app.on('error', () => {});
      if (stream) app.use(koaPinoLogger({}, stream));
      app.use(plugSession(options));
      app.use((ctx) => {
        ctx.body = { token: ctx.state.plugSessionToken ?? null };
      });
      return listen(app);
    },
  });
}
