import {
  createPlugSession,
  PlugSessionOptionsError,
  type Resolution,
  tokenOf,
} from '@plug-session/core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { headersOf, injectPayload } from './inject-payload.js';
import type { PlugSessionFastifyOptions, PlugSessionHook } from './types.js';

const HOOKS: readonly PlugSessionHook[] = [
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
];
// Token routes of every mount, so that an outer mount's onRoute leaves an inner one's alone.
const tokenRouteHandlers = new WeakSet<object>();

// Appends to the route's own hooks of that phase (never replaces them), so route-level
// auth such as `preHandler: app.auth([...])` runs before the user is resolved.
function appendRouteHook(route: RouteOptions, name: PlugSessionHook, hook: object): void {
  const existing: unknown = route[name];
  Object.assign(route, { [name]: [existing ?? [], hook].flat() });
}

const plugin: FastifyPluginAsync<PlugSessionFastifyOptions> = async (fastify, opts) => {
  const { hook = 'preHandler', ...options } = opts;
  if (!HOOKS.includes(hook)) {
    throw new PlugSessionOptionsError('hook', `must be one of ${HOOKS.join(', ')}`);
  }
  const engine = createPlugSession<FastifyRequest>(options, {
    warn: (message, error, request) => request.log.warn({ err: error }, message),
  });
  const claimed = new WeakMap<FastifyRequest, Resolution>();
  if (!fastify.hasRequestDecorator('plugSessionToken')) {
    fastify.decorateRequest('plugSessionToken', undefined);
  }

  const attach = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    request.plugSessionToken = undefined; // never trust a value set before us
    if (engine.shouldSkip(request.method, request)) {
      done();
      return;
    }
    const mine = engine.claimInjection(reply.raw); // the outermost mount injects
    const settle = (resolution: Resolution): void => {
      request.plugSessionToken = tokenOf(resolution);
      if (mine) claimed.set(request, resolution);
      done();
    };
    // A cached token is there at once: no promise, the request goes on in the same tick.
    const resolution = engine.resolve(request);
    if (resolution instanceof Promise) void resolution.then(settle);
    else settle(resolution);
  };
  // Callback-style hooks (not async ones) so that the synchronous case costs no promise.
  // preParsing hooks are also given the payload, before `done`.
  const hookFor = (phase: PlugSessionHook) =>
    phase === 'preParsing'
      ? (
          request: FastifyRequest,
          reply: FastifyReply,
          payload: unknown,
          done: (error: null, payload: unknown) => void,
        ) => attach(request, reply, () => done(null, payload))
      : attach;
  const routeHook = hookFor(hook);

  const tokenRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = engine.tokenRouteResponse(await engine.resolve(request));
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };
  tokenRouteHandlers.add(tokenRoute);

  fastify.addHook('onRoute', (route) => {
    if (!tokenRouteHandlers.has(route.handler)) appendRouteHook(route, hook, routeHook);
  });
  // An instance hook: Fastify runs it before route-level onSend hooks such as
  // @fastify/compress's, so pages are injected before they are compressed. Only when
  // injecting: otherwise every response would pay for a hook that does nothing.
  if (engine.injects) {
    fastify.addHook('onSend', (request, reply, payload: unknown, done) => {
      const resolution = claimed.get(request);
      if (resolution === undefined) return done(null, payload);
      claimed.delete(request);
      let out: unknown;
      try {
        out = injectPayload(reply, payload, () =>
          engine.planInjection(request, resolution, {
            method: request.method,
            status: reply.statusCode,
            headers: headersOf(reply),
          }),
        );
      } catch (error) {
        return done(error as Error);
      }
      done(null, out);
    });
  }
  fastify.addHook('onClose', () => engine.close());

  const path = options.tokenRoute;
  if (typeof path === 'string' && !fastify.hasRoute({ method: 'GET', url: path })) {
    fastify.route({ method: 'GET', url: path, exposeHeadRoute: false, handler: tokenRoute });
  }
};

/**
 * The plug-session Fastify plugin: resolves the logged-in user to a DevRev PLuG session
 * token on `request.plugSessionToken`, optionally injects the PLuG snippet into HTML pages
 * and answers a token route. Register it after your auth plugin and before your routes.
 *
 * @example
 * await app.register(plugSession, {
 *   appAccessToken: process.env.DEVREV_AAT!,
 *   resolveUser: (request) => (request.user ? { user_ref: request.user.id } : null),
 * });
 */
export const plugSession = fp(plugin, { name: '@plug-session/fastify', fastify: '5.x' });
