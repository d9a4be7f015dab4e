import type { ByteKit } from './bytes.js';
import { createHtmlInjector } from './html-injector.js';
import { injectedParts, injectHtml } from './inject-html.js';
import { rewriteInjectedHeaders } from './injected-headers.js';
import type { HeaderAccess } from './response-facts.js';
import type { ScriptSrcFinders } from './script-src-search.js';

/**
 * A stateful byte transformer: push chunks, get bytes out, flush once at the end. Its bytes are
 * the runtime's: Node's buffers from the Node build, plain `Uint8Array`s from the web build.
 */
export interface ByteInjector<B extends Uint8Array = Uint8Array> {
  push(chunk: Uint8Array): B;
  flush(): B;
}

/**
 * The decision to inject into one response, made once its status and headers are known.
 * Header changes happen when a body method is called, never before.
 */
export interface InjectionPlan {
  /**
   * For a body known at once. Returns the new body and fixes the headers (content-length,
   * etag, last-modified, cache-control), or `undefined` when the page is left alone (it
   * already loads plug.js), with headers untouched. A string body (UTF-8) comes back a
   * string, bytes come back as the runtime's bytes (Node's buffers from the Node build).
   * `hostMeasures`: the host measures a string body itself and sets its `content-length`
   * (Koa's body setter, Fastify's end of `onSend`), so the header is removed for it to set,
   * rather than the string being measured twice (a two-byte page's UTF-8 length is a whole
   * pass over it).
   */
  injectBody(body: string | Uint8Array, hostMeasures?: boolean): string | Uint8Array | undefined;
  /**
   * {@link InjectionPlan.injectBody} for bytes, without copying the page: the page's head,
   * the snippet and the page's tail, to be written in that order.
   */
  injectBodyParts(body: Uint8Array): readonly [Uint8Array, Uint8Array, Uint8Array] | undefined;
  /** For a streamed body: fixes the headers (content-length removed) and returns the injector. */
  startStream(): ByteInjector;
}

/** A rendered snippet as text, for string bodies, and as bytes, for byte bodies and streams. */
export interface RenderedSnippet {
  readonly text: string;
  readonly bytes: Uint8Array;
}

/** What {@link createInjectionPlan} needs for one response. */
export interface InjectionPlanInput {
  /** The rendered snippet (ASCII: its text and its bytes are the same). */
  snippet: RenderedSnippet;
  /** A body containing the configured scriptSrc is left alone. */
  scriptSrc: ScriptSrcFinders;
  /** The snippet carries a user's session token: the response becomes private, no-store. */
  identified: boolean;
  headers: HeaderAccess;
  /** The runtime's byte kit (`nodeBytes`, `webBytes`): what the searches and copies run on. */
  bytes: ByteKit;
}

/**
 * The injection into one response whose status and headers made it injectable. Headers change
 * only when a body method is called: for a whole body only if the snippet went in; for a stream
 * at its start, before anyone knows whether the page already loads plug.js (if it does, the
 * bytes pass unchanged and the stricter headers are harmless).
 * @example
 * const plan = createInjectionPlan({ snippet, scriptSrc, identified: true, headers, bytes: webBytes });
 * const body = plan.injectBody('<html><body>hi</body></html>') ?? original;
 */
export function createInjectionPlan(input: InjectionPlanInput): InjectionPlan {
  const { snippet, scriptSrc, identified, headers, bytes } = input;
  return {
    injectBody(body, hostMeasures = false) {
      const out =
        typeof body === 'string'
          ? injectHtml(body, snippet.text, scriptSrc, bytes)
          : injectHtml(body, snippet.bytes, scriptSrc, bytes);
      if (out === undefined) return undefined;
      let length: number | undefined = out.length;
      if (typeof out === 'string') length = hostMeasures ? undefined : bytes.utf8Length(out);
      rewriteInjectedHeaders(headers, { identified, length });
      return out;
    },
    injectBodyParts(body) {
      const parts = injectedParts(body, snippet.bytes, scriptSrc, bytes);
      if (parts === undefined) return undefined;
      const length = parts[0].length + parts[1].length + parts[2].length;
      rewriteInjectedHeaders(headers, { identified, length });
      return parts;
    },
    startStream() {
      rewriteInjectedHeaders(headers, { identified });
      return createHtmlInjector(snippet.bytes, scriptSrc, bytes);
    },
  };
}
