import type { ByteInjector, InjectionPlan } from './engine-types.js';
import { createHtmlInjector, createInjectTransform, injectHtml } from './html-injector.js';
import type { HeaderAccess } from './http-types.js';
import { rewriteInjectedHeaders } from './injected-headers.js';

/** What {@link createInjectionPlan} needs for one response. */
export interface InjectionPlanInput {
  /** The rendered snippet, ASCII bytes. */
  snippet: Buffer;
  /** A body containing these bytes is left alone. */
  scriptSrc: string;
  /** The snippet carries a user's session token: the response becomes private, no-store. */
  identified: boolean;
  headers: HeaderAccess;
}

/**
 * The injection into one response whose status and headers made it injectable. Headers change
 * only when a body method is called: for a whole body only if the snippet went in; for a stream
 * at its start, before anyone knows whether the page already loads plug.js (if it does, the
 * bytes pass unchanged and the stricter headers are harmless).
 * @example
 * const plan = createInjectionPlan({ snippet, scriptSrc, identified: true, headers });
 * const body = plan.injectBody('<html><body>hi</body></html>') ?? original;
 */
export function createInjectionPlan(input: InjectionPlanInput): InjectionPlan {
  const { snippet, scriptSrc, identified, headers } = input;
  const startStream = (): ByteInjector => {
    rewriteInjectedHeaders(headers, { identified });
    return createHtmlInjector(snippet, scriptSrc);
  };
  return {
    injectBody(body) {
      const out = injectHtml(body, snippet, scriptSrc);
      if (out) rewriteInjectedHeaders(headers, { identified, length: out.length });
      return out;
    },
    startStream,
    transform: () => createInjectTransform(startStream()),
  };
}
