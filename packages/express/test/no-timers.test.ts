import { noTimersSuite } from '@plug-session/conformance';

// How Express mounts the adapter in the child processes of the no-timers tests: `express`
// is the `express4` or `express5` package, as the describe block names it.

noTimersSuite({
  packageDir: new URL('..', import.meta.url),
  versions: ['express4', 'express5'],
  creating: {
    name: 'importing the built adapter and creating its middleware starts no timer or handle, and the process still exits on its own',
    snippet: (version) => `
const { default: express } = await import(${JSON.stringify(version)});
const app = express();
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
const { default: express } = await import(${JSON.stringify(version)});
const middleware = plugSession({
  ...options,
  resolveUser: (req) => (req.headers['x-user'] ? { user_ref: req.headers['x-user'] } : null),
});
const app = express();
app.use(middleware);
app.get('/page', (_req, res) => {
  res.type('html').send(page);
});
await serveNodeServer(app.listen(0, '127.0.0.1'), middleware);
`,
  },
});
