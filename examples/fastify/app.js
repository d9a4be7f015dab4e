import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import { plugSession } from '@plug-session/fastify';
import Fastify from 'fastify';
import { ASSETS, plugBrowserAssets } from '../shared/assets.js';
import { cspDirectives } from '../shared/csp.js';
import { urlOf } from '../shared/http.js';
import { consoleLog, plugErrorReporter } from '../shared/log.js';
import { homePage, signInPage, spaPage } from '../shared/pages.js';
import { findUser, revInfoFor } from '../shared/users.js';

const framework = 'Fastify';
const SESSION_COOKIE = 'plug_example_user';
const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'lax', signed: true };

/**
 * The signed-in sample user's id, from the signed session cookie.
 * @param {import('fastify').FastifyRequest} request
 */
function sessionUserId(request) {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const { valid, value } = request.unsignCookie(raw);
  return valid ? value : undefined;
}

const currentUser = (request) => findUser(sessionUserId(request));

/**
 * The example app: sign-in with a signed cookie, pages with the PLuG widget, a single-page
 * view, and a strict CSP with a nonce per response (@fastify/helmet's enableCSPNonces).
 * @param {import('../shared/config.js').AppOptions} options
 */
export async function createApp({
  aat,
  appId,
  endpoint,
  scriptSrc,
  plugHosts,
  log = consoleLog,
  sessionSecret = randomBytes(32).toString('hex'),
}) {
  const app = Fastify({ logger: false });
  const report = plugErrorReporter(log);

  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives({ plugHosts }) },
  });
  await app.register(fastifyCookie, { secret: sessionSecret });
  await app.register(fastifyFormbody);

  // After the cookie plugin (resolveUser reads the cookie); the nonce comes from the CSP header.
  await app.register(plugSession, {
    appAccessToken: aat,
    endpoint,
    appId,
    resolveUser: (request) => revInfoFor(sessionUserId(request)),
    injectScript: { scriptSrc },
    tokenRoute: '/plug/session',
    // /spa: @plug-session/browser starts the widget there, from the token route.
    skip: (request) =>
      request.routeOptions.url === '/spa' ||
      request.url.startsWith('/assets/') ||
      request.url.startsWith('/api/'),
    onError: (error, request) => report(error, `${request.method} ${request.url}`),
  });

  // The single-page view's client library: @plug-session/browser's ESM build, as installed.
  const plugBrowser = plugBrowserAssets(import.meta.resolve('@plug-session/browser'));
  for (const asset of [...ASSETS, ...plugBrowser]) {
    app.get(asset.path, (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body),
    );
  }

  const html = (reply, page) => reply.type('text/html; charset=utf-8').send(page);
  app.get('/', (request, reply) =>
    html(reply, homePage({ framework, user: currentUser(request) })),
  );
  app.get('/signin', (request, reply) =>
    html(reply, signInPage({ framework, user: currentUser(request) })),
  );
  app.post('/signin', (request, reply) => {
    const user = findUser(request.body?.user);
    if (!user) return reply.code(400).type('text/plain').send('Unknown sample user');
    return reply.setCookie(SESSION_COOKIE, user.id, COOKIE_OPTIONS).redirect('/', 303);
  });
  app.post('/signout', (_request, reply) =>
    reply.clearCookie(SESSION_COOKIE, { path: '/' }).redirect('/', 303),
  );

  app.get('/spa', (request, reply) => {
    const user = currentUser(request);
    return html(
      reply,
      spaPage({ framework, user, nonce: reply.cspNonce.script, appId, scriptSrc }),
    );
  });
  app.post('/api/signin', (request, reply) => {
    const user = findUser(request.body?.user);
    if (!user) return reply.code(400).send({ error: 'unknown sample user' });
    reply.setCookie(SESSION_COOKIE, user.id, COOKIE_OPTIONS);
    return { user: { id: user.id, name: user.name } };
  });
  app.post('/api/signout', (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { user: null };
  });

  return app;
}

/**
 * Starts the app on `host:port` (port 0: a free one).
 * @param {import('../shared/config.js').AppOptions} options
 * @param {{ port?: number, host?: string }} [where]
 */
export async function startApp(options, { port = 0, host = '127.0.0.1' } = {}) {
  const app = await createApp(options);
  await app.listen({ port, host });
  return { url: urlOf(app.server.address(), host), close: () => app.close() };
}
