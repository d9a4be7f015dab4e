// The soak's server process: Express 5, Fastify 5 and Koa 3 apps with plug-session, each on
// 127.0.0.1:0, started by soak.ts with --expose-gc and driven over IPC:
//   → { type: 'ready', urls }                       once listening
//   ← { cmd: 'sample' }  → { type: 'sample', … }    memory after two full GCs, resources, listeners
//   ← { cmd: 'exit' }                               closes the apps and exits
// Its argument is the JSON of a SoakServerConfig.
import type { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { PlugSessionError, RevInfo } from '@plug-session/core';
import { plugSession as expressPlugSession } from '@plug-session/express';
import { plugSession as fastifyPlugSession } from '@plug-session/fastify';
import { plugSession as koaPlugSession } from '@plug-session/koa';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { PAGE } from '../../conformance/src/support/pages.js';
import { AAT, APP_ID } from '../test/support/constants.js';

export interface SoakServerConfig {
  endpoint: string;
  scriptSrc: string;
  timeoutMs: number;
  cacheMax: number;
}

/** What the server answers to `{ cmd: 'sample' }`. */
export interface ServerSample {
  type: 'sample';
  at: number;
  memory: NodeJS.MemoryUsage;
  /** `process.getActiveResourcesInfo()` counted by type. */
  resources: Record<string, number>;
  /** Listeners on `process` and on the three HTTP servers. */
  listeners: number;
  /** Timers set through the globals and not yet fired or cleared, unref'd ones included. */
  timers: number;
  /** `onError` calls by code since the start. */
  errors: Record<string, number>;
  /** Process warnings (MaxListenersExceededWarning…) since the start. */
  warnings: string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as SoakServerConfig;

// getActiveResourcesInfo() lists only what keeps the loop alive, and plug-session unrefs its
// timers; so every timer set through the globals is also counted here until it fires or is
// cleared, ref'd or not.
const liveTimers = new Set<unknown>();
const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = globalThis;
const { setInterval: realSetInterval, clearInterval: realClearInterval } = globalThis;
globalThis.setTimeout = ((
  callback: (...args: unknown[]) => void,
  ms?: number,
  ...args: unknown[]
) => {
  const timer = realSetTimeout(
    (...given: unknown[]) => {
      liveTimers.delete(timer);
      callback(...given);
    },
    ms,
    ...args,
  );
  liveTimers.add(timer);
  return timer;
}) as typeof setTimeout;
globalThis.clearTimeout = ((timer?: Parameters<typeof clearTimeout>[0]) => {
  liveTimers.delete(timer);
  realClearTimeout(timer);
}) as typeof clearTimeout;
globalThis.setInterval = ((
  callback: (...args: unknown[]) => void,
  ms?: number,
  ...args: unknown[]
) => {
  const timer = realSetInterval(callback, ms, ...args);
  liveTimers.add(timer);
  return timer;
}) as typeof setInterval;
globalThis.clearInterval = ((timer?: Parameters<typeof clearInterval>[0]) => {
  liveTimers.delete(timer);
  realClearInterval(timer);
}) as typeof clearInterval;
const errors: Record<string, number> = {};
const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

const HTML = 'text/html; charset=utf-8';
const CHUNKS = (() => {
  const bytes = Buffer.from(PAGE);
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 64) pieces.push(bytes.subarray(at, at + 64));
  return pieces;
})();

function options<Req>(user: (req: Req) => string | undefined) {
  return {
    appAccessToken: AAT,
    endpoint: config.endpoint,
    appId: APP_ID,
    injectScript: { scriptSrc: config.scriptSrc },
    timeoutMs: config.timeoutMs,
    cache: { max: config.cacheMax },
    tokenRoute: '/plug/session',
    resolveUser: (req: Req): RevInfo | null => {
      const id = user(req);
      return id ? { user_ref: id, user_traits: { display_name: `User ${id}` } } : null;
    },
    onError: (error: PlugSessionError) => {
      errors[error.code] = (errors[error.code] ?? 0) + 1;
    },
  };
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startExpress() {
  const app = express();
  app.use(expressPlugSession(options<express.Request>((req) => header(req.headers['x-user']))));
  app.get('/page', (_req, res) => void res.type('html').send(PAGE));
  app.get('/stream', (_req, res) => {
    res.setHeader('content-type', HTML);
    Readable.from(CHUNKS).pipe(res);
  });
  app.get('/echo', (req, res) => void res.json({ token: req.plugSessionToken ?? null }));
  const server = createServer(app);
  return { server, url: await listen(server), close: () => closeServer(server) };
}

async function startFastify() {
  const app = Fastify();
  await app.register(
    fastifyPlugSession,
    options((req) => header(req.headers['x-user'])),
  );
  app.get('/page', (_req, reply) => reply.type(HTML).send(PAGE));
  app.get('/stream', (_req, reply) => reply.type(HTML).send(Readable.from(CHUNKS)));
  app.get('/echo', (req) => ({ token: req.plugSessionToken ?? null }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { server: app.server, url, close: () => app.close() };
}

async function startKoa() {
  const app = new Koa();
  app.use(koaPlugSession(options<Koa.Context>((ctx) => ctx.get('x-user') || undefined)));
  app.use((ctx) => {
    if (ctx.path === '/page') {
      ctx.type = HTML;
      ctx.body = PAGE;
    } else if (ctx.path === '/stream') {
      ctx.type = HTML;
      ctx.body = Readable.from(CHUNKS);
    } else if (ctx.path === '/echo') {
      ctx.body = { token: ctx.state.plugSessionToken ?? null };
    }
  });
  const server = createServer(app.callback());
  return { server, url: await listen(server), close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const apps = {
  express5: await startExpress(),
  fastify5: await startFastify(),
  koa3: await startKoa(),
};

const gc = (globalThis as { gc?: () => void }).gc;
const listenerCount = (emitter: EventEmitter) =>
  emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);

function sample(): ServerSample {
  // Twice: the first collection can leave work (weak refs, finalizers) for the second.
  gc?.();
  gc?.();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  const servers = Object.values(apps).map((app) => app.server);
  return {
    type: 'sample',
    at: Date.now(),
    memory: process.memoryUsage(),
    resources,
    listeners: listenerCount(process) + servers.reduce((sum, s) => sum + listenerCount(s), 0),
    timers: liveTimers.size,
    errors: { ...errors },
    warnings: [...warnings],
  };
}

process.on('message', async (message: { cmd?: string }) => {
  if (message.cmd === 'sample') process.send?.(sample());
  if (message.cmd === 'exit') {
    await Promise.all(Object.values(apps).map((app) => app.close()));
    process.exit(0);
  }
});
// Never outlive the soak: a parent that dies closes the IPC channel.
process.on('disconnect', () => process.exit(0));
// Node opens the stdio handles on first use; open them now, so that the baseline has them.
void process.stdout;
void process.stderr;
process.send?.({
  type: 'ready',
  gc: typeof gc === 'function',
  urls: Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, app.url])),
});
