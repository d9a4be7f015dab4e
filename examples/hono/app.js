import { randomBytes } from 'node:crypto';
import { createAdaptorServer } from '@hono/node-server';
import { plugSession } from '@plug-session/hono';
import { Hono } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { ASSETS, plugBrowserAssets } from '../shared/assets.js';
import { cspDirectives } from '../shared/csp.js';
import { listen } from '../shared/http.js';
import { consoleLog, plugErrorReporter } from '../shared/log.js';
import { homePage, signInPage, spaPage } from '../shared/pages.js';
import { findUser, revInfoFor } from '../shared/users.js';

const framework = 'Hono';
const SESSION_COOKIE = 'plug_example_user';
const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'Lax' };

/** `GET /path?query`, for the log. */
const where = (c) => {
  const url = new URL(c.req.url);
  return `${c.req.method} ${url.pathname}${url.search}`;
};

/**
 * The example app: sign-in with a signed cookie, pages with the PLuG widget, a single-page
 * view, and a strict CSP with a nonce per response (hono/secure-headers' NONCE).
 * @param {import('../shared/config.js').AppOptions} options
 */
export function createApp({
  aat,
  appId,
  endpoint,
  scriptSrc,
  plugHosts,
  log = consoleLog,
  sessionSecret = randomBytes(32).toString('hex'),
}) {
  const app = new Hono();
  const report = plugErrorReporter(log);
  /** @param {import('hono').Context} c */
  const sessionUserId = async (c) =>
    (await getSignedCookie(c, sessionSecret, SESSION_COOKIE)) || undefined;
  const currentUser = async (c) => findUser(await sessionUserId(c));
  const signIn = async (c, id) => {
    const user = findUser(id);
    if (user) await setSignedCookie(c, SESSION_COOKIE, user.id, sessionSecret, COOKIE_OPTIONS);
    return user;
  };
  const signOut = (c) => deleteCookie(c, SESSION_COOKIE, { path: '/' });

  // NONCE makes a nonce per request (c.get('secureHeadersNonce')) and puts it in script-src.
  app.use(
    secureHeaders({
      contentSecurityPolicy: cspDirectives({ plugHosts, scriptNonce: [NONCE] }),
    }),
  );

  app.use(
    plugSession({
      appAccessToken: aat,
      endpoint,
      appId,
      resolveUser: async (c) => revInfoFor(await sessionUserId(c)),
      // secureHeaders writes its headers once the route is done, after plug-session has
      // injected, so the nonce comes from the context rather than from the CSP header.
      injectScript: { scriptSrc, nonce: (c) => c.get('secureHeadersNonce') },
      tokenRoute: '/plug/session',
      // /spa: @plug-session/browser starts the widget there, from the token route.
      skip: (c) =>
        c.req.path === '/spa' ||
        c.req.path.startsWith('/assets/') ||
        c.req.path.startsWith('/api/'),
      onError: (error, c) => report(error, where(c)),
    }),
  );

  // The single-page view's client library: @plug-session/browser's ESM build, as installed.
  const plugBrowser = plugBrowserAssets(import.meta.resolve('@plug-session/browser'));
  for (const asset of [...ASSETS, ...plugBrowser]) {
    app.get(asset.path, (c) =>
      c.body(asset.body, 200, {
        'content-type': asset.type,
        'cache-control': 'public, max-age=300',
      }),
    );
  }

  app.get('/', async (c) => c.html(homePage({ framework, user: await currentUser(c) })));
  app.get('/signin', async (c) => c.html(signInPage({ framework, user: await currentUser(c) })));
  app.post('/signin', async (c) => {
    const { user } = await c.req.parseBody();
    if (!(await signIn(c, user))) return c.text('Unknown sample user', 400);
    return c.redirect('/', 303);
  });
  app.post('/signout', (c) => {
    signOut(c);
    return c.redirect('/', 303);
  });

  app.get('/spa', async (c) => {
    const user = await currentUser(c);
    const nonce = c.get('secureHeadersNonce');
    return c.html(spaPage({ framework, user, nonce, appId, scriptSrc }));
  });
  app.post('/api/signin', async (c) => {
    const body = await c.req.json().catch(() => ({}));
    const user = await signIn(c, body?.user);
    if (!user) return c.json({ error: 'unknown sample user' }, 400);
    return c.json({ user: { id: user.id, name: user.name } });
  });
  app.post('/api/signout', (c) => {
    signOut(c);
    return c.json({ user: null });
  });

  return app;
}

/**
 * Starts the app on `host:port` (port 0: a free one), served by @hono/node-server.
 * @param {import('../shared/config.js').AppOptions} options
 * @param {{ port?: number, host?: string }} [where]
 */
export function startApp(options, { port = 0, host = '127.0.0.1' } = {}) {
  const app = createApp(options);
  return listen(createAdaptorServer({ fetch: app.fetch }), port, host);
}
