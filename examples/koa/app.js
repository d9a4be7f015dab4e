import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import { plugSession } from '@plug-session/koa';
import Koa from 'koa';
import helmet from 'koa-helmet';
import { ASSETS, plugBrowserAssets } from '../shared/assets.js';
import { cspDirectives, newNonce } from '../shared/csp.js';
import { listen } from '../shared/http.js';
import { consoleLog, plugErrorReporter } from '../shared/log.js';
import { homePage, signInPage, spaPage } from '../shared/pages.js';
import { findUser, revInfoFor } from '../shared/users.js';

const framework = 'Koa';
const SESSION_COOKIE = 'plug_example_user';
const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax', signed: true };

/** @param {import('koa').Context} ctx */
const sessionUserId = (ctx) => ctx.cookies.get(SESSION_COOKIE, { signed: true });

/**
 * The routes, in a plain map: Koa has no router of its own, and the example needs a few.
 * @param {{ appId: string, scriptSrc: string }} plug
 * @returns {Record<string, (ctx: import('koa').Context) => void>}
 */
function routes({ appId, scriptSrc }) {
  const html = (ctx, page) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  };
  const user = (ctx) => findUser(sessionUserId(ctx));
  const signIn = (ctx) => {
    const found = findUser(ctx.request.body?.user);
    if (found) ctx.cookies.set(SESSION_COOKIE, found.id, COOKIE_OPTIONS);
    return found;
  };
  const signOut = (ctx) => ctx.cookies.set(SESSION_COOKIE, null, COOKIE_OPTIONS);
  return {
    'GET /': (ctx) => html(ctx, homePage({ framework, user: user(ctx) })),
    'GET /signin': (ctx) => html(ctx, signInPage({ framework, user: user(ctx) })),
    'POST /signin': (ctx) => {
      if (!signIn(ctx)) ctx.throw(400, 'Unknown sample user');
      ctx.status = 303;
      ctx.redirect('/');
    },
    'POST /signout': (ctx) => {
      signOut(ctx);
      ctx.status = 303;
      ctx.redirect('/');
    },
    'GET /spa': (ctx) =>
      html(
        ctx,
        spaPage({ framework, user: user(ctx), nonce: ctx.state.cspNonce, appId, scriptSrc }),
      ),
    'POST /api/signin': (ctx) => {
      const found = signIn(ctx);
      ctx.status = found ? 200 : 400;
      ctx.body = found
        ? { user: { id: found.id, name: found.name } }
        : { error: 'unknown sample user' };
    },
    'POST /api/signout': (ctx) => {
      signOut(ctx);
      ctx.body = { user: null };
    },
  };
}

/**
 * The example app: sign-in with a signed cookie (app.keys), pages with the PLuG widget, a
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
  const app = new Koa();
  app.keys = [sessionSecret];
  const report = plugErrorReporter(log);
  const table = routes({ appId, scriptSrc });

  // A nonce per response, made before koa-helmet writes it into the CSP header. Helmet's
  // directive functions get Node's (req, res), so the nonce travels on res.locals too.
  app.use((ctx, next) => {
    ctx.state.cspNonce = newNonce();
    ctx.res.locals = { cspNonce: ctx.state.cspNonce };
    return next();
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
  app.use(bodyParser());

  // resolveUser reads the signed cookie; the nonce comes from helmet's CSP header.
  app.use(
    plugSession({
      appAccessToken: aat,
      endpoint,
      appId,
      resolveUser: (ctx) => revInfoFor(sessionUserId(ctx)),
      injectScript: { scriptSrc },
      tokenRoute: '/plug/session',
      // /spa: @plug-session/browser starts the widget there, from the token route.
      skip: (ctx) =>
        ctx.path === '/spa' || ctx.path.startsWith('/assets/') || ctx.path.startsWith('/api/'),
      onError: (error, ctx) => report(error, `${ctx.method} ${ctx.url}`),
    }),
  );

  // The single-page view's client library: @plug-session/browser's ESM build, as installed.
  const assets = [...ASSETS, ...plugBrowserAssets(import.meta.resolve('@plug-session/browser'))];
  app.use(async (ctx, next) => {
    const asset = ctx.method === 'GET' ? assets.find((a) => a.path === ctx.path) : undefined;
    if (!asset) return next();
    ctx.type = asset.type;
    ctx.set('cache-control', 'public, max-age=300');
    ctx.body = asset.body;
  });
  app.use(async (ctx, next) => {
    const handler = table[`${ctx.method} ${ctx.path}`];
    if (!handler) return next();
    handler(ctx);
  });

  return app;
}

/**
 * Starts the app on `host:port` (port 0: a free one).
 * @param {import('../shared/config.js').AppOptions} options
 * @param {{ port?: number, host?: string }} [where]
 */
export function startApp(options, { port = 0, host = '127.0.0.1' } = {}) {
  return listen(createServer(createApp(options).callback()), port, host);
}
