/** What plug-session adds to Express's `Request` (merged into the global `Express.Request`). */
export interface PlugSessionRequest {
  /**
   * The DevRev PLuG session token of the logged-in user, set by `plugSession()` before the
   * route handler runs; `undefined` for an anonymous visitor, a skipped request (HEAD,
   * OPTIONS, `skip`), or when no token could be had. A value set by anything else is
   * overwritten. A response that renders it must be marked `private` by the app.
   */
  plugSessionToken?: string | undefined;
}

// Shipped in the package's declarations, so that `req.plugSessionToken` type-checks as
// `string | undefined` in every handler without a cast.
declare global {
  namespace Express {
    interface Request extends PlugSessionRequest {}
  }
}
