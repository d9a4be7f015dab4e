// The runtime app on Bun: `bun serve-bun.mjs`, configured by environment variables (see
// app.mjs). Prints `listening on <url>` once it accepts connections.

import { createApp } from './app.mjs';
import { configFrom } from './app-config.mjs';

const app = createApp(configFrom((name) => Bun.env[name]));
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT ?? 0),
  fetch: app.fetch,
});
// Which build of core Bun picked through the package's export conditions (`bun`: the web one).
console.log(`core entry: ${import.meta.resolve('@plug-session/core')}`);
console.log(`listening on http://127.0.0.1:${server.port}`);
