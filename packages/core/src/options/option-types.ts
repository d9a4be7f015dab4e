import type { PlugSessionError } from '../errors.js';
import type { RevInfo } from '../rev-info/rev-info-schema.js';
import type { TokenStore } from '../tokens/token-store.js';

/** What `resolveUser` may return: a rev_info, or `null`/`undefined` for an anonymous visitor. */
export type ResolvedUser = RevInfo | null | undefined;

/** Options of the snippet injection. `Req` is the framework's request type. */
export interface InjectScriptOptions<Req> {
  /**
   * Where plug.js is loaded from.
   * @default 'https://plug-platform.devrev.ai/static/plug.js'
   */
  scriptSrc?: string;
  /**
   * More `plugSDK.init` options (`theme`, `widget_alignment`…). They cannot override
   * `app_id` or `session_token`.
   * @default {}
   */
  initOptions?: Record<string, unknown>;
  /**
   * A CSP nonce put on both script tags. When it returns `undefined`, the script nonce of
   * the response's `Content-Security-Policy` header is used (`script-src-elem`, else
   * `script-src`, else `default-src`).
   */
  nonce?: (req: Req) => string | undefined;
  /**
   * Also inject (without `session_token`) for anonymous visitors.
   * @default true
   */
  anonymous?: boolean;
}

/** The cache option: `false` turns caching off. */
export type CacheOptions =
  | false
  | {
      /** @default 10000 */
      max?: number;
      /** A shared store; by default an in-memory LRU of `max` entries. */
      store?: TokenStore;
    };

/**
 * The options of every adapter (`Req` is Express `Request`, Fastify `FastifyRequest`,
 * Koa `Context`) and of {@link createPlugSession}.
 */
export interface PlugSessionOptions<Req> {
  /**
   * The application access token (AAT). Sent only as the token endpoint's `authorization`
   * header, trimmed of surrounding whitespace. Never logged, never in an error.
   */
  appAccessToken: string;
  /** Who is logged in: a rev_info, or `null`/`undefined` for an anonymous visitor. */
  resolveUser: (req: Req) => ResolvedUser | Promise<ResolvedUser>;
  /** The PLuG unique app id passed to `plugSDK.init`; required when `injectScript` is on. */
  appId?: string;
  /**
   * The full URL of the token endpoint.
   * @default 'https://api.devrev.ai/internal/auth-tokens.create'
   */
  endpoint?: string | URL;
  /**
   * The whole time budget to obtain one token, retries included, in milliseconds.
   * @default 2000
   */
  timeoutMs?: number;
  /**
   * Inject the PLuG snippet into HTML responses.
   * @default false
   */
  injectScript?: boolean | InjectScriptOptions<Req>;
  /**
   * A path on which `GET` answers with the current user's token as JSON.
   * @default false
   */
  tokenRoute?: string | false;
  /**
   * The token cache; `false` turns it off.
   * @default { max: 10000 } (in memory)
   */
  cache?: CacheOptions;
  /**
   * Told of every failure; the request goes on without a token.
   * @default a warning, once per code and cause (the AAT never in it), through the request's
   * own logger when the app has one (Fastify `request.log`, Express `req.log` as pino-http
   * sets it, Koa `ctx.log` as koa-pino-logger sets it), else `console.warn`
   */
  onError?: (error: PlugSessionError, req: Req) => void;
  /**
   * More requests for which nothing is resolved, attached or injected. `HEAD` and
   * `OPTIONS` are always skipped; the token route answers whatever `skip` says.
   */
  skip?: (req: Req) => boolean;
}
