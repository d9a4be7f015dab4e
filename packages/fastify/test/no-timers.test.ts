import { noTimersSuite } from '@plug-session/conformance';

// How Fastify registers the plugin in the child processes of the no-timers tests. A ready
// Fastify app starts handles of its own: the first test discounts those of a bare app.

noTimersSuite({
  packageDir: new URL('..', import.meta.url),
  versions: ['fastify5'],
  creating: {
    name: 'importing the built plugin and registering it starts no timer or handle beyond what a bare Fastify app starts, and the process still exits on its own',
    snippet: () => `
const { default: Fastify } = await import('fastify');
const bare = await around(async () => {
  const app = Fastify();
  app.get('/page', async () => 'page');
  await app.ready();
});
const plugged = await around(async () => {
  const { plugSession } = await import(adapterUrl);
  const app = Fastify();
  await app.register(plugSession, options);
  app.get('/page', async () => 'page');
  await app.ready();
});
report({ bare, plugged });
`,
  },
  serving: {
    name: 'after serving injected pages, closing the app leaves no timer of plug-session pending, and the process exits on its own',
    snippet: () => `
const { default: Fastify } = await import('fastify');
const app = Fastify();
await app.register(plugSession, {
  ...options,
  resolveUser: (request) =>
    request.headers['x-user'] ? { user_ref: request.headers['x-user'] } : null,
});
app.get('/page', async (_request, reply) => reply.type('text/html').send(page));
await servePages(await app.listen({ port: 0, host: '127.0.0.1' }), () => app.close());
`,
  },
});
