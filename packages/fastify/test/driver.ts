import { Readable } from 'node:stream';
import type { Driver, RouteSpec, RunningApp, StartOptions } from '@plug-session/conformance';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type PlugSessionFastifyOptions, plugSession } from '../src/index.js';

/** The suite's options are typed for any request; Fastify's resolver gets a FastifyRequest. */
const fastifyOptions = (options: StartOptions['options']): PlugSessionFastifyOptions =>
  options as PlugSessionFastifyOptions;

function addRoute(scope: FastifyInstance, spec: RouteSpec): void {
  scope.route({
    method: spec.method ?? 'GET',
    url: spec.path,
    handler: async (request, reply) => {
      reply.code(spec.status ?? 200);
      for (const [name, value] of Object.entries(spec.headers ?? {})) reply.header(name, value);
      if (spec.echoToken) {
        return reply.send({
          token: request.plugSessionToken ?? null,
          seen: Object.hasOwn(request, 'plugSessionToken'),
        });
      }
      const pieces = spec.chunks.map((chunk) => Buffer.from(chunk));
      switch (spec.style) {
        case 'string':
          return reply.send(Buffer.concat(pieces).toString('utf8'));
        case 'buffer':
          return reply.send(Buffer.concat(pieces));
        case 'chunks':
        case 'stream':
          return reply.send(Readable.from(pieces));
      }
    },
  });
}

/** Fastify 5 with `@plug-session/fastify`, for the shared conformance suite. */
export const fastifyDriver: Driver = {
  name: 'fastify5',

  async start({
    options,
    routes,
    innerMount,
    forgedToken,
    log,
  }: StartOptions): Promise<RunningApp> {
    // Pino writes to file descriptor 1 directly; the suite reads our lines through `log`.
    const app = log ? Fastify({ logger: { level: 'info', stream: { write: log } } }) : Fastify();
    // Test apps take any request body (forms included) and ignore it, as a page route would.
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    if (forgedToken !== undefined) {
      app.addHook('onRequest', async (request) => {
        request.plugSessionToken = forgedToken;
      });
    }
    await app.register(plugSession, fastifyOptions(options));
    if (innerMount === undefined) {
      for (const route of routes) addRoute(app, route);
    } else {
      // A second registration in an encapsulated child context, around the same routes.
      await app.register(async (child) => {
        await child.register(plugSession, fastifyOptions(innerMount));
        for (const route of routes) addRoute(child, route);
      });
    }
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },

  header(req, name) {
    const value = (req as FastifyRequest).headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  },
};
