import { Readable } from 'node:stream';
import {
  dripped,
  expectInjectedOnce,
  HTML,
  PAGE,
  type RunningApp,
  type SharedObjects,
  sharedObjectsTests,
  split,
} from '@plug-session/conformance';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type PlugSessionFastifyOptions, plugSession } from '../src/index.js';
import { fastifyDriver } from './driver.js';

// What Fastify shares beyond one request: the Request and Reply classes of each root and
// child scope, whose prototypes its requests and replies inherit. `decorateRequest`,
// Fastify's own API, runs at registration: they are recorded once the app is ready.

/** Every prototype of `value` up to (not including) `Object.prototype`. */
function prototypesOf(value: object): object[] {
  const found: object[] = [];
  for (
    let proto = Object.getPrototypeOf(value) as object | null;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    found.push(proto);
  }
  return found;
}

/**
 * The prototype of the Request or Reply class a Fastify instance (a root or a child scope)
 * builds its requests from: Fastify keeps the class under an internal symbol.
 */
function classPrototype(instance: FastifyInstance, which: 'Request' | 'Reply'): object {
  const description = `fastify.${which}`;
  for (let at: object | null = instance; at !== null; at = Object.getPrototypeOf(at)) {
    const key = Object.getOwnPropertySymbols(at).find((s) => s.description === description);
    if (key !== undefined) {
      return (
        (instance as unknown as Record<symbol, { prototype: object }>)[key] as {
          prototype: object;
        }
      ).prototype;
    }
  }
  throw new Error(`no ${description} on this Fastify instance`);
}

/** Pages sent as a string, as a Buffer, in chunks and streamed, and JSON; records prototypes. */
function addPages(scope: FastifyInstance, seen: Set<object>): void {
  const record = (request: FastifyRequest, reply: FastifyReply) => {
    for (const proto of [...prototypesOf(request), ...prototypesOf(reply)]) seen.add(proto);
  };
  scope.get('/string', async (request, reply) => {
    record(request, reply);
    return reply.type(HTML).send(PAGE);
  });
  scope.get('/buffer', async (request, reply) => {
    record(request, reply);
    return reply.type(HTML).send(Buffer.from(PAGE));
  });
  scope.get('/chunks', async (request, reply) => {
    record(request, reply);
    return reply.type(HTML).send(Readable.from(split(PAGE, 7)));
  });
  scope.get('/stream', async (request, reply) => {
    record(request, reply);
    return reply.type(HTML).send(dripped(split(PAGE, 5)));
  });
  scope.get('/json', async (request, reply) => {
    record(request, reply);
    return reply.send({ plain: true });
  });
}

function watch(shared: SharedObjects, instances: Record<string, FastifyInstance>): void {
  for (const [label, instance] of Object.entries(instances)) {
    shared.add(`${label}'s Request prototype`, classPrototype(instance, 'Request'));
    shared.add(`${label}'s Reply prototype`, classPrototype(instance, 'Reply'));
  }
}

async function listen(app: FastifyInstance): Promise<RunningApp> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

describe('fastify5', () => {
  const h = sharedObjectsTests(fastifyDriver, {
    scopes: ['', '/child'],
    watched: 'Node’s prototypes or of the Request and Reply prototypes of a root and a child scope',
    /** A root with the plugin and the pages, and a child scope with the same pages. */
    async start(shared, options) {
      const seen = new Set<object>();
      const app = Fastify();
      if (options) await app.register(plugSession, options as PlugSessionFastifyOptions);
      addPages(app, seen);
      let child: FastifyInstance | undefined;
      await app.register(
        async (scope) => {
          child = scope;
          addPages(scope, seen);
        },
        { prefix: '/child' },
      );
      await app.ready();
      watch(shared, { root: app, 'child scope': child! });
      return { ...(await listen(app)), servedPrototypes: seen };
    },
    async startOther(shared) {
      const other = Fastify();
      other.get('/string', async (_request, reply) => reply.type(HTML).send(PAGE));
      await other.ready();
      watch(shared, { 'other app': other });
      return listen(other);
    },
  });

  it('puts the token on the request itself, not on a prototype', async () => {
    const app = Fastify();
    await app.register(plugSession, h.injecting() as PlugSessionFastifyOptions);
    const seen: unknown[] = [];
    app.get('/page', async (request, reply) => {
      const holders = prototypesOf(request).filter((p) => Object.hasOwn(p, 'plugSessionToken'));
      seen.push({
        own: Object.hasOwn(request, 'plugSessionToken'),
        token: request.plugSessionToken,
        holders: holders.length,
      });
      return reply.type(HTML).send(PAGE);
    });
    const reply = await h.track(await listen(app)).send('/page', { user: 'alice' });
    const { arg } = expectInjectedOnce(reply.body, Buffer.from(PAGE), h.emu.scriptSrc);
    const token = String(arg.session_token);
    expect(h.emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: 'alice' } });
    expect(seen).toEqual([{ own: true, token, holders: 0 }]);
  });
});
