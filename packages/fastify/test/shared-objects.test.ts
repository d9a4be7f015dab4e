import { IncomingMessage, OutgoingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { expectInjectedOnce, watchSharedObjects } from '@plug-session/conformance';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PlugSessionFastifyOptions, plugSession } from '../src/index.js';

// Issue 16 and STYLE.md, "What a library may touch": serving a page changes no object that is
// shared beyond one request or reply. `decorateRequest`, Fastify's own API, runs at
// registration: the objects are recorded once the app is ready, before it serves.

const AAT = 'aat-fastify-shared-objects';
const APP_ID = 'app-fastify-shared-objects';
const HTML = 'text/html; charset=utf-8';
const PAGE =
  '<!doctype html><html><head><title>Café</title></head><body><h1>Grüße, 世界</h1></body></html>\n';
const PAGES = ['/string', '/buffer', '/chunks', '/stream'];
const USERS = [undefined, 'alice'];

let emu: Emulator;
const errors: PlugSessionError[] = [];
const apps: FastifyInstance[] = [];
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(async () => {
  await emu.close();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  expect(errors.splice(0), 'onError calls').toEqual([]);
});

const options = (): PlugSessionFastifyOptions => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  appId: APP_ID,
  injectScript: { scriptSrc: emu.scriptSrc },
  resolveUser: (request) => {
    const user = request.headers['x-user'];
    return typeof user === 'string' ? { user_ref: user } : null;
  },
  onError: (error) => {
    errors.push(error);
  },
});

/** `PAGE` in pieces of `size` bytes (multi-byte characters cut on purpose). */
function pieces(size: number): Buffer[] {
  const all = Buffer.from(PAGE);
  const out: Buffer[] = [];
  for (let at = 0; at < all.length; at += size) out.push(all.subarray(at, at + size));
  return out;
}

/** A stream written piece by piece, one piece per turn of the event loop. */
function dripped(): Readable {
  const stream = new PassThrough();
  const rest = pieces(5);
  const next = () => {
    const piece = rest.shift();
    if (piece === undefined) stream.end();
    else stream.write(piece, () => setImmediate(next));
  };
  setImmediate(next);
  return stream;
}

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
    return reply.type(HTML).send(Readable.from(pieces(7)));
  });
  scope.get('/stream', async (request, reply) => {
    record(request, reply);
    return reply.type(HTML).send(dripped());
  });
  scope.get('/json', async (request, reply) => {
    record(request, reply);
    return reply.send({ plain: true });
  });
}

/** A root with the plugin and the pages, and a child scope with the same pages under /child. */
async function appWithChild(seen: Set<object>, withPlugSession: boolean) {
  const app = Fastify();
  apps.push(app);
  if (withPlugSession) await app.register(plugSession, options());
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
  return { app, child: child! };
}

function watch(instances: Record<string, FastifyInstance>) {
  const shared = watchSharedObjects();
  shared.add('http.ServerResponse.prototype', ServerResponse.prototype);
  shared.add('http.OutgoingMessage.prototype', OutgoingMessage.prototype);
  shared.add('http.IncomingMessage.prototype', IncomingMessage.prototype);
  for (const [label, instance] of Object.entries(instances)) {
    shared.add(`${label}'s Request prototype`, classPrototype(instance, 'Request'));
    shared.add(`${label}'s Reply prototype`, classPrototype(instance, 'Reply'));
  }
  return shared;
}

async function serveAll(app: FastifyInstance) {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const replies = new Map<string, Response>();
  const bodies = new Map<string, Buffer>();
  for (const path of [...PAGES, '/json', ...PAGES.map((page) => `/child${page}`)]) {
    for (const user of USERS) {
      const key = `${path} as ${user ?? 'anonymous'}`;
      const response = await fetch(`${url}${path}`, {
        headers: user ? { 'x-user': user } : {},
      });
      replies.set(key, response);
      bodies.set(key, Buffer.from(await response.arrayBuffer()));
    }
  }
  return { replies, bodies };
}

describe('fastify5', () => {
  it('the framework alone changes none of the watched objects while serving (the control for the tests below)', async () => {
    const seen = new Set<object>();
    const { app, child } = await appWithChild(seen, false);
    const shared = watch({ root: app, 'child scope': child });
    const { bodies } = await serveAll(app);
    expect(shared.changes()).toEqual([]);
    expect(bodies.get('/stream as alice')?.toString()).toBe(PAGE);
    expect(
      [...seen].filter((proto) => !shared.has(proto)),
      'prototypes not watched',
    ).toEqual([]);
  });

  it('serving injected and plain pages adds, removes or replaces no property of Node’s prototypes or of the Request and Reply prototypes of a root and a child scope', async () => {
    const seen = new Set<object>();
    const { app, child } = await appWithChild(seen, true);
    // A second app in the same process that never registers plug-session.
    const other = Fastify();
    apps.push(other);
    other.get('/string', async (_request, reply) => reply.type(HTML).send(PAGE));
    await other.ready();
    const shared = watch({ root: app, 'child scope': child, 'other app': other });
    const otherUrl = await other.listen({ port: 0, host: '127.0.0.1' });

    const { replies, bodies } = await serveAll(app);
    const otherBody = await (await fetch(`${otherUrl}/string`)).text();

    expect(shared.changes(), 'properties changed on shared objects').toEqual([]);
    expect(seen.size).toBeGreaterThan(0);
    expect(
      [...seen].filter((proto) => !shared.has(proto)),
      'prototypes of served requests and replies that were not watched',
    ).toEqual([]);
    for (const path of [...PAGES, ...PAGES.map((page) => `/child${page}`)]) {
      for (const user of USERS) {
        const key = `${path} as ${user ?? 'anonymous'}`;
        expect(replies.get(key)?.status, key).toBe(200);
        const { arg } = expectInjectedOnce(bodies.get(key)!, Buffer.from(PAGE), emu.scriptSrc, key);
        if (user) expect(emu.verifyToken(String(arg.session_token))).toMatchObject({ valid: true });
        else expect(arg).toStrictEqual({ app_id: APP_ID });
      }
    }
    for (const user of USERS) {
      const key = `/json as ${user ?? 'anonymous'}`;
      expect(replies.get(key)?.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(bodies.get(key)!.toString())).toEqual({ plain: true });
    }
    expect(otherBody).toBe(PAGE);
  });

  it('puts the token on the request itself, not on a prototype', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(plugSession, options());
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
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const reply = await fetch(`${url}/page`, { headers: { 'x-user': 'alice' } });
    const body = Buffer.from(await reply.arrayBuffer());
    const { arg } = expectInjectedOnce(body, Buffer.from(PAGE), emu.scriptSrc);
    const token = String(arg.session_token);
    expect(emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: 'alice' } });
    expect(seen).toEqual([{ own: true, token, holders: 0 }]);
  });
});
