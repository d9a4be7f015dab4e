// koa-pino-logger ships no types, and @types/koa-pino-logger still depends on pino 6's: the
// little the tests use of it, typed here.
declare module 'koa-pino-logger' {
  import type { Middleware } from 'koa';
  /** pino-http's options and destination; sets `ctx.log` to the request's pino logger. */
  export default function koaPinoLogger(
    options?: object,
    stream?: { write(line: string): void },
  ): Middleware;
}
