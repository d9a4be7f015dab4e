import type { PlugSessionOptions } from '@plug-session/core';

/** How a route hands its body to the framework. */
export type BodyStyle =
  /** the framework's "send a string" (`res.send(str)`, `reply.send(str)`, `ctx.body = str`) */
  | 'string'
  /** the same with a Buffer */
  | 'buffer'
  /** written piece by piece (`res.write` × n + `res.end()`); Fastify/Koa: a stream of the chunks */
  | 'chunks'
  /** a Node Readable stream of the chunks (`stream.pipe(res)`, `reply.send(stream)`, `ctx.body = stream`) */
  | 'stream';

/**
 * One route of a test app, described framework-neutrally. A `GET` route also answers `HEAD`
 * (as every framework does by default). The body sent is exactly the concatenation of
 * `chunks` (the `string` style decodes it as UTF-8 first): the suite compares bytes.
 */
export interface RouteSpec {
  method?: 'GET' | 'POST';
  path: string;
  /** @default 200 */
  status?: number;
  /** Response headers the route sets before sending (content-type included). */
  headers?: Record<string, string>;
  /** The pieces of the body; `string`/`buffer` styles send their concatenation at once. */
  chunks: Array<string | Uint8Array>;
  style: BodyStyle;
  /**
   * Instead of `chunks`, answer JSON `{ "token": <the token on the request or null>,
   * "seen": <true if the token property was set before the handler ran> }`.
   */
  echoToken?: boolean;
}

/** The request type differs per framework; tests only reach it through the driver. */
export type AnyRequest = never;

export interface StartOptions {
  /** The options given to the adapter (resolveUser gets the framework's request). */
  options: PlugSessionOptions<unknown>;
  routes: RouteSpec[];
  /** Mount the adapter a second time, inside the first, with these options. */
  innerMount?: PlugSessionOptions<unknown>;
  /**
   * Before the adapter runs, a hostile earlier middleware sets the token property on the
   * request to this value (the adapter must overwrite it, never trust or echo it).
   */
  forgedToken?: string;
  /**
   * Where the framework's own logger must write, one call per line, while this app runs.
   * The suite spies on `console.*`, `process.stdout.write` and `process.stderr.write`
   * itself; a framework that logs elsewhere (Fastify's pino writes to file descriptor 1
   * directly) must be given a logger that hands its lines here, e.g.
   * `Fastify({ logger: { level: 'info', stream: { write: app.log } } })`, or the suite
   * cannot see the default `onError` warnings nor check that they hold no secret.
   * Drivers for frameworks that log only through `console` may ignore it.
   */
  log?: (line: string) => void;
}

export interface RunningApp {
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

/** What each adapter's tests provide so that the shared suite can drive it. */
export interface Driver {
  /** `express4`, `express5`, `fastify5`, `koa2`, `koa3` */
  name: string;
  /** Starts a real server on 127.0.0.1:0 with the adapter mounted and the routes. */
  start(app: StartOptions): Promise<RunningApp>;
  /** Reads a request header from the framework's request type (lower-case name). */
  header(req: unknown, name: string): string | undefined;
}
