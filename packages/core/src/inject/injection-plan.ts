import type { ByteInjector, InjectionPlan } from '../engine/engine-types.js';
import { createHtmlInjector, createInjectTransform } from './html-injector.js';
import type { HeaderAccess } from './response-facts.js';
import { rewriteInjectedHeaders } from './injected-headers.js';
import { pipeLinked } from '../node/pipe-linked.js';
import { injectedParts, injectHtml } from './inject-html.js';

/** A rendered snippet as text, for string bodies, and as bytes, for byte bodies and streams. */
export interface RenderedSnippet {
  readonly text: string;
  readonly bytes: Buffer;
}

/** What {@link createInjectionPlan} needs for one response. */
export interface InjectionPlanInput {
  /** The rendered snippet (ASCII: its text and its bytes are the same). */
  snippet: RenderedSnippet;
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
    return createHtmlInjector(snippet.bytes, scriptSrc);
  };
  return {
    injectBody(body) {
      const out =
        typeof body === 'string'
          ? injectHtml(body, snippet.text, scriptSrc)
          : injectHtml(body, snippet.bytes, scriptSrc);
      if (out === undefined) return undefined;
      const length = typeof out === 'string' ? Buffer.byteLength(out) : out.length;
      rewriteInjectedHeaders(headers, { identified, length });
      return out;
    },
    injectBodyParts(body) {
      const parts = injectedParts(body, snippet.bytes, scriptSrc);
      if (parts === undefined) return undefined;
      const length = parts[0].length + parts[1].length + parts[2].length;
      rewriteInjectedHeaders(headers, { identified, length });
      return parts;
    },
    startStream,
    transform: () => createInjectTransform(startStream()),
    injectStream: (source, onFailure) =>
      pipeLinked(source, createInjectTransform(startStream()), onFailure),
  };
}
