import { PlugSessionError } from '../errors.js';
import type { ByteKit } from '../inject/bytes.js';
import { nonceFromCsp } from '../inject/csp-nonce.js';
import { isInjectable } from '../inject/injectable.js';
import {
  createInjectionPlan,
  type InjectionPlan,
  type RenderedSnippet,
} from '../inject/injection-plan.js';
import type { HeaderAccess } from '../inject/response-facts.js';
import { createScriptSrcFinders } from '../inject/script-src-search.js';
import { renderSnippet } from '../inject/snippet.js';
import type { NormalizedOptions } from '../options/options.js';
import { sanitizedCause, toPlugSessionError } from '../upstream/upstream-errors.js';
import type { Resolution } from './resolution.js';

/** What the planner needs from the engine. */
export interface InjectionPlannerInput<Req> {
  inject: NonNullable<NormalizedOptions<Req>['inject']>;
  appId: string;
  /** Redacted from every error (the AAT). */
  secret: string;
  report(error: PlugSessionError, req: Req): void;
  /**
   * The runtime's byte kit (`runtime.bytes`: `nodeBytes` in the Node build, `webBytes` in the
   * web build), which every search, copy and injected body of this engine uses.
   */
  bytes: ByteKit;
}

/** Whether a resolution gets a snippet at all: never a failed or skipped one. */
export function wantsSnippet(resolution: Resolution, anonymous: boolean): boolean {
  return resolution.kind === 'identified' || (resolution.kind === 'anonymous' && anonymous);
}

/**
 * The engine's decision for one response, once its status and headers are known: the plan
 * to inject the snippet, or `undefined` to leave the response alone.
 */
export function createInjectionPlanner<Req>(input: InjectionPlannerInput<Req>) {
  const { inject, appId, secret, report, bytes } = input;
  const scriptSrc = createScriptSrcFinders(inject.scriptSrc, bytes);
  // Keyed by resolution: the engine keeps one per cached token, and one for anonymous visitors.
  const snippets = new WeakMap<Resolution, RenderedSnippet>();

  const render = (req: Req, resolution: Resolution, nonce: string | undefined) => {
    try {
      const text = renderSnippet({
        scriptSrc: inject.scriptSrc,
        appId,
        sessionToken: resolution.kind === 'identified' ? resolution.token : undefined,
        initOptions: inject.initOptions,
        nonce,
      });
      return { text, bytes: bytes.latin1(text) };
    } catch (cause) {
      report(toPlugSessionError(cause, secret), req);
      return undefined;
    }
  };

  return function planInjection(
    req: Req,
    resolution: Resolution,
    method: string,
    status: number,
    headers: HeaderAccess,
  ): InjectionPlan | undefined {
    if (!isInjectable({ method, status, headers })) return undefined;
    let nonce: string | undefined;
    try {
      nonce = inject.nonce?.(req) ?? nonceFromCsp(headers.get('content-security-policy'));
    } catch (cause) {
      const message = 'injectScript.nonce threw; the page was left without the snippet';
      report(
        new PlugSessionError('RESOLVER_FAILED', message, { cause: sanitizedCause(cause, secret) }),
        req,
      );
      return undefined;
    }
    // Without a nonce a user's snippet is the same on every page: rendered once per token.
    let snippet = nonce === undefined ? snippets.get(resolution) : undefined;
    if (snippet === undefined) {
      snippet = render(req, resolution, nonce);
      if (snippet === undefined) return undefined;
      if (nonce === undefined) snippets.set(resolution, snippet);
    }
    return createInjectionPlan({
      snippet,
      scriptSrc,
      identified: resolution.kind === 'identified',
      headers,
      bytes,
    });
  };
}
