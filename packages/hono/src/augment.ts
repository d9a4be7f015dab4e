import type {} from 'hono';

/** What plug-session adds to Hono's context variables (merged into `ContextVariableMap`). */
export interface PlugSessionVariables {
  /**
   * The DevRev PLuG session token of the logged-in user, set by `plugSession()` before the
   * route handler runs; `undefined` for an anonymous visitor, a skipped request (HEAD,
   * OPTIONS, `skip`), or when no token could be had. A value set by anything else is
   * overwritten. A response that renders it must be marked `private` by the app.
   */
  plugSessionToken: string | undefined;
}

// Shipped in the package's declarations, so that `c.get('plugSessionToken')` and
// `c.var.plugSessionToken` type-check as `string | undefined` in every handler without a cast.
declare module 'hono' {
  interface ContextVariableMap extends PlugSessionVariables {}
}
