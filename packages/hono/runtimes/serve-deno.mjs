// The runtime app on Deno: `deno run -A --no-lock serve-deno.mjs`, configured by environment
// variables (see app.mjs). Deno reads the workspace's node_modules (the package.json next to
// it says so) and resolves `@plug-session/core` with its `deno` export condition. Prints
// `listening on <url>` once it accepts connections.

import { createApp } from './app.mjs';
import { configFrom } from './app-config.mjs';

const app = createApp(configFrom((name) => Deno.env.get(name)));
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 0),
    onListen: ({ hostname, port }) => {
      console.log(`core entry: ${import.meta.resolve('@plug-session/core')}`);
      console.log(`listening on http://${hostname}:${port}`);
    },
  },
  app.fetch,
);
