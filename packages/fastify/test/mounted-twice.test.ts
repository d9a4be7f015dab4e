import { mountedTwicePageSuite, pageWith } from '@plug-session/conformance';
import Fastify from 'fastify';
import { type PlugSessionFastifyOptions, plugSession } from '../src/index.js';
import { fastifyDriver } from './driver.js';

// Fastify's way of mounting a plugin twice on one request: on the root, and again in the
// child scope that holds the route.

mountedTwicePageSuite(fastifyDriver, [
  {
    how: 'registered on a root and in a child scope',
    async start(outer, inner) {
      const app = Fastify();
      await app.register(plugSession, outer as PlugSessionFastifyOptions);
      await app.register(async (child) => {
        await child.register(plugSession, inner as PlugSessionFastifyOptions);
        child.get('/page', async (request, reply) =>
          reply.type('text/html; charset=utf-8').send(pageWith(request.plugSessionToken)),
        );
      });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url, close: () => app.close() };
    },
  },
]);
