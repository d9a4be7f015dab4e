// The runtime app on Node through @hono/node-server, the baseline the other runtimes are
// compared with: `node serve-node.mjs`, configured by environment variables (see app.mjs).
import { serve } from '@hono/node-server';
import { createApp } from './app.mjs';
import { configFrom } from './app-config.mjs';

const app = createApp(configFrom((name) => process.env[name]));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info) => {
  console.log(`core entry: ${import.meta.resolve('@plug-session/core')}`);
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
