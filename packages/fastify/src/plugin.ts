import {
  createPlugSession,
  PlugSessionOptionsError,
  type RequestOutcome,
  type ResponsePlanner,
} from '@plug-session/core/node';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { headersOf, injectPayload } from './inject-payload.js';
import type { PlugSessionFastifyOptions, PlugSessionHook } from './types.js';

const HOOKS: readonly string[] = ['onRequest', 'preParsing', 'preValidation', 'preHandler'];
// The planner of the mount that injects into this request's reply, from its route hook to its
// onSend hook: a request decorator, shared by every mount and every copy of the adapter.
const PLAN = Symbol.for('plug-session.fastify.plan');
type Planned = FastifyRequest & { [PLAN]: ResponsePlanner | undefined };

// Appends to the route's own hooks of that phase (never replaces them), so route-level
// auth such as `preHandler: app.auth([...])` runs before the user is resolved.
function appendRouteHook(route: RouteOptions, name: PlugSessionHook, hook: object): void {
  const existing: unknown = route[name];
  Object.assign(route, { [name]: [existing ?? [], hook].flat() });
}

function sendAnswer(reply: FastifyReply, outcome: RequestOutcome & { kind: 'answer' }) {
  const { status, headers, body } = outcome.answer;
  return reply.code(status).headers(headers).send(body);
}

const plugin: FastifyPluginAsync<PlugSessionFastifyOptions> = async (fastify, opts) => {
  const { hook = 'preHandler', ...options } = opts;
  if (!HOOKS.includes(hook)) {
    throw new PlugSessionOptionsError('hook', `must be one of ${HOOKS.join(', ')}`);
  }
  const engine = createPlugSession<FastifyRequest>(options, { logger: (request) => request.log });
  for (const name of ['plugSessionToken', PLAN]) {
    if (!fastify.hasRequestDecorator(name)) fastify.decorateRequest(name, undefined);
  }

  const attach = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const settle = (outcome: RequestOutcome): void => {
      // An answer here: a route of the app's own on the token route's path.
      if (outcome.kind === 'answer') return void sendAnswer(reply, outcome);
      request.plugSessionToken = outcome.token; // set every time: never trust an earlier value
      if (outcome.planResponse) (request as Planned)[PLAN] = outcome.planResponse;
      done();
    };
    const facts = { method: request.method, path: request.url, shared: request.raw };
    const outcome = engine.handle(request, facts);
    // A cached token is there at once: no promise, the request goes on in the same tick.
    void (outcome instanceof Promise ? outcome.then(settle) : settle(outcome));
  };
  // A callback-style hook (not an async one) so that the synchronous case costs no promise.
  // preParsing hooks are also given the payload, before `done`, and hand it back.
  const routeHook = (request: FastifyRequest, reply: FastifyReply, ...rest: unknown[]) => {
    const done = rest.at(-1) as (error: null, payload?: unknown) => void;
    attach(request, reply, () => done(null, ...rest.slice(0, -1)));
  };

  // Fastify's router matched the token route: it is that route whatever prefix the scope has.
  const tokenRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    const facts = { method: 'GET', path: String(options.tokenRoute), shared: request.raw };
    const outcome = await engine.handle(request, facts);
    return outcome.kind === 'answer' ? sendAnswer(reply, outcome) : reply.callNotFound();
  };

  fastify.addHook('onRoute', (route) => {
    if (route.handler !== tokenRoute) appendRouteHook(route, hook, routeHook);
  });
  // An instance hook: Fastify runs it before route-level onSend hooks such as
  // @fastify/compress's, so pages are injected before they are compressed. Only when
  // injecting: otherwise every response would pay for a hook that does nothing.
  if (engine.injects) {
    fastify.addHook('onSend', (request, reply, payload: unknown, done) => {
      const planResponse = (request as Planned)[PLAN];
      if (planResponse === undefined) return done(null, payload);
      (request as Planned)[PLAN] = undefined;
      let out: unknown;
      try {
        out = injectPayload(reply, payload, () => planResponse(reply.statusCode, headersOf(reply)));
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
