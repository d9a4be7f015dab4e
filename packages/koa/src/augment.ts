import type {} from 'koa';

/** What plug-session adds to Koa's `ctx.state` (merged into Koa's `DefaultState`). */
export interface PlugSessionState {
  /**
   * The PLuG session token of the identified user, set before the route handler runs;
   * `undefined` for an anonymous visitor, a skipped request, or when no token could be had.
   */
  plugSessionToken?: string | undefined;
}

// Shipped in the package's declarations, so `ctx.state.plugSessionToken` and
// `ctx.request.plugSessionToken` type-check as `string | undefined` without a cast.
declare module 'koa' {
  interface DefaultState extends PlugSessionState {}
  interface Request extends PlugSessionState {}
}
