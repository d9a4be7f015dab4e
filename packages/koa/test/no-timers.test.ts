import { noTimersSuite } from '@plug-session/conformance';

// How Koa mounts the adapter in the child processes of the no-timers tests: `Koa` is the
// `koa2` or `koa3` package, as the describe block names it.

noTimersSuite({
  packageDir: new URL('..', import.meta.url),
  versions: ['koa2', 'koa3'],
  creating: {
    name: 'importing the built adapter and creating its middleware starts no timer or handle, and the process still exits on its own',
    snippet: (version) => `
const { default: Koa } = await import(${JSON.stringify(version)});
const app = new Koa();
const plugged = await around(async () => {
  const { plugSession } = await import(adapterUrl);
  app.use(plugSession(options));
});
report({ plugged });
`,
  },
  serving: {
    name: 'after serving injected pages, closing the server and calling close() leaves no timer of plug-session pending, and the process exits on its own',
    snippet: (version) => `
const { default: Koa } = await import(${JSON.stringify(version)});
const middleware = plugSession({
  ...options,
  resolveUser: (ctx) => (ctx.get('x-user') ? { user_ref: ctx.get('x-user') } : null),
});
const app = new Koa();
app.use(middleware);
app.use((ctx) => {
  ctx.type = 'html';
  ctx.body = page;
});
await serveNodeServer(app.listen(0, '127.0.0.1'), middleware);
`,
  },
});
