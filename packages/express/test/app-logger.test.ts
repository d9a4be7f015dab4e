import { appLoggerSuite, type Options } from '@plug-session/conformance';
import type { Express } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import { pinoHttp } from 'pino-http';
import { plugSession } from '../src/index.js';
import { express4Driver, express5Driver, listen } from './driver.js';

// With no onError, the default warning goes through pino-http's `req.log` when the app has one.
for (const [driver, createApp] of [
  [express4Driver, (): Express => express4()],
  [express5Driver, (): Express => express5()],
] as const) {
  appLoggerSuite(driver, {
    name: 'pino-http’s req.log',
    async start(options: Options, stream) {
      const app = createApp();
      if (stream) app.use(pinoHttp({}, stream));
      app.use(plugSession(options));
      app.get('/', (req, res) => {
        res.json({ token: req.plugSessionToken ?? null });
      });
      const { url, close } = await listen(app);
      return { url, close };
    },
  });
}
