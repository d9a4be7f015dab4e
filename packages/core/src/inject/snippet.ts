import { PlugSessionError } from '../errors.js';

/** What {@link renderSnippet} needs. */
export interface SnippetInput {
  /** Where plug.js is loaded from. */
  scriptSrc: string;
  /** The PLuG unique app id. */
  appId: string;
  /** The user's session token; without one the widget treats the visitor as anonymous. */
  sessionToken?: string | undefined;
  /** More `plugSDK.init` options; `app_id` and `session_token` among them are ignored. */
  initOptions?: Readonly<Record<string, unknown>> | undefined;
  /** A CSP nonce for both script tags. */
  nonce?: string | undefined;
}

const NONCE = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Whether `nonce` is a plain base64 or base64url token (1 to 256 characters), the only kind
 * that is safe to write into an attribute unescaped and that CSP accepts (CSP3 `base64-value`).
 * @example
 * isValidNonce('rAnd0m+/='); // true
 * isValidNonce('" onload="x'); // false
 */
export function isValidNonce(nonce: string): boolean {
  return typeof nonce === 'string' && nonce.length <= 256 && NONCE.test(nonce);
}

const hex4 = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;

/**
 * JSON text that is also safe inside an HTML `<script>` and pure ASCII: `<`, `>` and `&` (so no
 * `</script` or `<!--` can appear), U+2028/U+2029 and every non-ASCII unit become `\uXXXX`.
 * A `__proto__` key is dropped: in a JavaScript object literal it would set the prototype
 * instead of making a property, so the browser would not see what JSON.parse sees.
 */
function scriptJson(value: unknown): string {
  const json = JSON.stringify(value, (key, v) => (key === '__proto__' ? undefined : v));
  return json.replace(/[<>&\u007f-\uffff]/g, (c) => hex4(c.charCodeAt(0)));
}

const ATTRIBUTE: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
};

/** A double-quoted attribute value, pure ASCII: non-ASCII as numeric character references. */
function attribute(value: string): string {
  return value.replace(
    /[&"'<>]|[^\x20-\x7e]/gu,
    (c) => ATTRIBUTE[c] ?? `&#x${c.codePointAt(0)!.toString(16)};`,
  );
}

function requireLine(value: unknown, name: string): void {
  if (typeof value !== 'string' || value === '' || /[\r\n]/.test(value)) {
    throw new TypeError(`${name} must be a non-empty string without line breaks`);
  }
}

/**
 * The PLuG snippet: `<script src="SCRIPT_SRC"></script><script>window.plugSDK.init(ARG);</script>`,
 * where ARG is `{"app_id":…,"session_token":…,…initOptions}` as script-safe, pure ASCII JSON.
 * Anonymous visitors (no `sessionToken`) get no `session_token` key; `initOptions` cannot
 * override `app_id` or `session_token`. With a nonce, both tags carry `nonce="…"`.
 * @throws PlugSessionError `INVALID_NONCE` when the nonce is not a base64/base64url token.
 * @throws TypeError when `scriptSrc` or `appId` is empty or holds a line break.
 * @example
 * renderSnippet({ scriptSrc: 'https://plug-platform.devrev.ai/static/plug.js', appId: 'app-1', sessionToken: 'ey…' });
 * // '<script src="https://plug-platform.devrev.ai/static/plug.js"></script><script>window.plugSDK.init({"app_id":"app-1","session_token":"ey…"});</script>'
 */
export function renderSnippet(input: SnippetInput): string {
  const { scriptSrc, appId, sessionToken, initOptions, nonce } = input;
  requireLine(scriptSrc, 'scriptSrc');
  requireLine(appId, 'appId');
  if (nonce !== undefined && !isValidNonce(nonce)) {
    throw new PlugSessionError(
      'INVALID_NONCE',
      'the CSP nonce must be a base64 or base64url token of 1 to 256 characters; the PLuG snippet was not injected',
    );
  }
  const { app_id: _appId, session_token: _token, ...extra } = initOptions ?? {};
  const arg = {
    app_id: appId,
    ...(sessionToken === undefined ? {} : { session_token: sessionToken }),
    ...extra,
  };
  const nonceAttr = nonce === undefined ? '' : ` nonce="${nonce}"`;
  return (
    `<script src="${attribute(scriptSrc)}"${nonceAttr}></script>` +
    `<script${nonceAttr}>window.plugSDK.init(${scriptJson(arg)});</script>`
  );
}
