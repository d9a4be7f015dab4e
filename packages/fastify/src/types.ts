import type { PlugSessionOptions } from '@plug-session/core/node';
import type { FastifyRequest } from 'fastify';

/** The request hook in which the user is resolved and the token attached. */
export type PlugSessionHook = 'onRequest' | 'preParsing' | 'preValidation' | 'preHandler';

/** The options of every adapter, plus the Fastify hook to resolve the user in. */
export type PlugSessionFastifyOptions = PlugSessionOptions<FastifyRequest> & {
  /**
   * The request hook in which `resolveUser` runs. It is added last to each route's hooks of
   * that phase, so auth plugins and route-level auth hooks of the same phase run first.
   * @default 'preHandler'
   * @example await app.register(plugSession, { ...options, hook: 'onRequest' })
   */
  hook?: PlugSessionHook;
};

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The PLuG session token of the identified user, set by `@plug-session/fastify` before
     * the route handler runs; `undefined` for an anonymous visitor, a skipped request, or
     * when no token could be had.
     */
    plugSessionToken: string | undefined;
  }
}
