import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { plugSession } from '@plug-session/express';
import cookieSession from 'cookie-session';
import express from 'express';
import helmet from 'helmet';
import { ASSETS_DIR, PLUG_BROWSER_DIR } from '../shared/assets.js';
import { cspDirectives, newNonce } from '../shared/csp.js';
import { listen } from '../shared/http.js';
import { consoleLog, plugErrorReporter } from '../shared/log.js';
import { homePage, signInPage, spaPage } from '../shared/pages.js';
import { findUser, revInfoFor } from '../shared/users.js';

const framework = 'Express';

/** @param {import('express').Request} req */
const currentUser = (req) => findUser(req.session?.user);

/**
 * The example app: sign-in with a cookie session, pages with the PLuG widget, a
 * single-page view, and a strict CSP with a nonce per response.
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
  const app = express();
  const report = plugErrorReporter(log);

  // A nonce per response, made before helmet writes it into the CSP header.
  app.use((_req, res, next) => {
    res.locals.cspNonce = newNonce();
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: cspDirectives({
          plugHosts,
          scriptNonce: [(_req, res) => `'nonce-${res.locals.cspNonce}'`],
        }),
      },
    }),
  );
  app.use(
    cookieSession({ name: 'session', keys: [sessionSecret], sameSite: 'lax', httpOnly: true }),
  );
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());

  // After the session (resolveUser reads it); the nonce comes from helmet's CSP header.
  app.use(
    plugSession({
      appAccessToken: aat,
      endpoint,
      appId,
      resolveUser: (req) => revInfoFor(req.session?.user),
      injectScript: { scriptSrc },
      tokenRoute: '/plug/session',
      // /spa: @plug-session/browser starts the widget there, from the token route.
      skip: (req) =>
        req.path === '/spa' || req.path.startsWith('/assets/') || req.path.startsWith('/api/'),
      onError: (error, req) => report(error, `${req.method} ${req.originalUrl}`),
    }),
  );

  // The single-page view's client library: @plug-session/browser's ESM build, as installed.
  const plugBrowserDist = fileURLToPath(new URL('.', import.meta.resolve('@plug-session/browser')));
  app.use(PLUG_BROWSER_DIR, express.static(plugBrowserDist, { index: false, maxAge: '5m' }));
  app.use('/assets', express.static(fileURLToPath(ASSETS_DIR), { index: false, maxAge: '5m' }));

  app.get('/', (req, res) => {
    res.type('html').send(homePage({ framework, user: currentUser(req) }));
  });
  app.get('/signin', (req, res) => {
    res.type('html').send(signInPage({ framework, user: currentUser(req) }));
  });
  app.post('/signin', (req, res) => {
    const user = findUser(req.body?.user);
    if (!user) return res.status(400).type('text').send('Unknown sample user');
    req.session.user = user.id;
    res.redirect(303, '/');
  });
  app.post('/signout', (req, res) => {
    req.session = null;
    res.redirect(303, '/');
  });

  app.get('/spa', (req, res) => {
    const user = currentUser(req);
    const page = spaPage({ framework, user, nonce: res.locals.cspNonce, appId, scriptSrc });
    res.type('html').send(page);
  });
  app.post('/api/signin', (req, res) => {
    const user = findUser(req.body?.user);
    if (!user) return res.status(400).json({ error: 'unknown sample user' });
    req.session.user = user.id;
    res.json({ user: { id: user.id, name: user.name } });
  });
  app.post('/api/signout', (req, res) => {
    req.session = null;
    res.json({ user: null });
  });

  return app;
}

/**
 * Starts the app on `host:port` (port 0: a free one).
 * @param {import('../shared/config.js').AppOptions} options
 * @param {{ port?: number, host?: string }} [where]
 */
export function startApp(options, { port = 0, host = '127.0.0.1' } = {}) {
  return listen(createServer(createApp(options)), port, host);
}
