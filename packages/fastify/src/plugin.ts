import { pipeline, Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import {
  createPlugSession,
  type HeaderAccess,
  type InjectionPlan,
  PlugSessionOptionsError,
  type Resolution,
  tokenOf,
} from '@plug-session/core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { PlugSessionFastifyOptions, PlugSessionHook } from './types.js';

const HOOKS: readonly PlugSessionHook[] = [
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
];
// Token routes of every mount, so that an outer mount's onRoute leaves an inner one's alone.
const tokenRouteHandlers = new WeakSet<object>();

function headersOf(reply: FastifyReply): HeaderAccess {
  return {
    get: (name) => reply.getHeader(name),
    set: (name, value) => void reply.header(name, value),
    remove: (name) => void reply.removeHeader(name),
  };
}

// Appends to the route's own hooks of that phase (never replaces them), so route-level
// auth such as `preHandler: app.auth([...])` runs before the user is resolved.
function appendRouteHook(route: RouteOptions, name: PlugSessionHook, hook: object): void {
  const existing: unknown = route[name];
  Object.assign(route, { [name]: [existing ?? [], hook].flat() });
}

// A `Response` is unpacked as Fastify's onSendEnd would, so that its status and headers count.
function unpackResponse(reply: FastifyReply, payload: object): unknown {
  if (Object.prototype.toString.call(payload) !== '[object Response]') return payload;
  const response = payload as Response;
  reply.code(response.status);
  for (const [name, value] of response.headers) reply.header(name, value);
  return response.body;
}

// fastify-compress's order: nothing; a string or Buffer at once; a Node, then a Web stream.
function injectPayload(
  reply: FastifyReply,
  payload: unknown,
  plan: () => InjectionPlan | undefined,
) {
  if (payload === null || payload === undefined) return payload;
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
    return plan()?.injectBody(payload) ?? payload;
  }
  const body = typeof payload === 'object' ? unpackResponse(reply, payload) : payload;
  if (body === null || typeof body !== 'object') return body;
  const isNode = 'pipe' in body && typeof body.pipe === 'function';
  if (!isNode && !('getReader' in body)) return body;
  const transform = plan()?.transform();
  if (transform === undefined) return body;
  const source = isNode ? (body as Readable) : Readable.fromWeb(body as ReadableStream);
  // Errors reach Fastify through the returned stream; pipeline also destroys the source
  // when the client goes away.
  pipeline(source, transform, () => undefined);
  return transform;
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

  const attach = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    request.plugSessionToken = undefined; // never trust a value set before us
    if (engine.shouldSkip(request.method, request)) return;
    const mine = engine.claimInjection(reply.raw); // the outermost mount injects
    const resolution = await engine.resolve(request);
    request.plugSessionToken = tokenOf(resolution);
    if (mine) claimed.set(request, resolution);
  };

  const tokenRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = engine.tokenRouteResponse(await engine.resolve(request));
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };
  tokenRouteHandlers.add(tokenRoute);

  fastify.addHook('onRoute', (route) => {
    if (!tokenRouteHandlers.has(route.handler)) appendRouteHook(route, hook, attach);
  });
  // An instance hook: Fastify runs it before route-level onSend hooks such as
  // @fastify/compress's, so pages are injected before they are compressed.
  fastify.addHook('onSend', async (request, reply, payload: unknown) => {
    const resolution = claimed.get(request);
    if (resolution === undefined) return payload;
    claimed.delete(request);
    return injectPayload(reply, payload, () =>
      engine.planInjection(request, resolution, {
        method: request.method,
        status: reply.statusCode,
        headers: headersOf(reply),
      }),
    );
  });
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
