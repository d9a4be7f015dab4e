import { noTimersSuite } from '@plug-session/conformance';

// How Hono mounts the adapter in the child processes of the no-timers tests, served on Node
// through @hono/node-server.

noTimersSuite({
  packageDir: new URL('..', import.meta.url),
  versions: ['hono4'],
  creating: {
    name: 'importing the built adapter and creating its middleware starts no timer or handle, and the process still exits on its own',
    snippet: () => `
const { Hono } = await import('hono');
// Node opens its stderr pipe (a PipeWrap) on first use, and loading undici, core's HTTP client
// on Node, uses node:assert, which reads stderr's colour depth. Koa and Express open it when
// they are imported, Hono does not: it is opened before counting, as any app's logging would.
void process.stderr;
const app = new Hono();
const plugged = await around(async () => {
  const { plugSession } = await import(adapterUrl);
  app.use(plugSession(options));
});
report({ plugged });
`,
  },
  serving: {
    name: 'after serving injected pages, closing the server and calling close() leaves no timer of plug-session pending, and the process exits on its own',
    snippet: () => `
const { Hono } = await import('hono');
const { serve } = await import('@hono/node-server');
const middleware = plugSession({
  ...options,
  resolveUser: (c) => (c.req.header('x-user') ? { user_ref: c.req.header('x-user') } : null),
});
const app = new Hono();
app.use(middleware);
app.get('/page', (c) => c.html(page));
await serveNodeServer(serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }), middleware);
`,
  },
});
