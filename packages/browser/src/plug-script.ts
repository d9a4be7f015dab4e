import { type PlugSdk, plugSdkOnPage } from './plug-sdk.js';
import { warn } from './warn.js';

/**
 * The loads of plug.js this module started or is waiting for, by absolute URL, so that two
 * connections on one page (a component mounted twice) share one `<script>`. Page-wide on
 * purpose: plug.js itself is page-wide.
 */
const loads = new Map<string, Promise<PlugSdk | undefined>>();

/** Settles when `target` fires one of `events`. */
function firstOf(target: EventTarget, events: string[]): Promise<void> {
  return new Promise((resolve) => {
    for (const type of events) target.addEventListener(type, () => resolve(), { once: true });
  });
}

/**
 * A plug.js `<script>` the page has of its own, still loading or done. Parser-inserted and
 * async scripts all settle before the window's `load` event, so once that has fired a tag
 * without `window.plugSDK` has failed: waiting for its own events then would wait forever.
 */
function awaitPageTag(tag: HTMLScriptElement): Promise<void> {
  if (document.readyState === 'complete') return Promise.resolve();
  return Promise.race([firstOf(tag, ['load', 'error']), firstOf(window, ['load'])]);
}

/** Adds one `<script src>` for plug.js, with the CSP nonce; removed again if it fails. */
function addTag(url: string, nonce: string | undefined): Promise<void> {
  const tag = document.createElement('script');
  tag.src = url;
  tag.async = true;
  if (nonce) tag.nonce = nonce;
  const settled = firstOf(tag, ['load', 'error']);
  document.head.append(tag);
  return settled.then(() => {
    if (!plugSdkOnPage()) tag.remove();
  });
}

/**
 * `window.plugSDK`, loading plug.js from `src` first unless the page already has it (the SDK
 * itself, or a `<script>` with that URL). Resolves to `undefined`, after one warning, when
 * plug.js cannot be had; a later call then tries again.
 */
export function loadPlugSdk(src: string, nonce: string | undefined): Promise<PlugSdk | undefined> {
  const ready = plugSdkOnPage();
  if (ready) return Promise.resolve(ready);
  let url: string;
  try {
    url = new URL(src, document.baseURI).href;
  } catch (error) {
    warn(`scriptSrc is not a URL: ${src}`, error);
    return Promise.resolve(undefined);
  }
  let loading = loads.get(url);
  if (!loading) {
    const tag = Array.from(document.scripts).find((script) => script.src === url);
    loading = (tag ? awaitPageTag(tag) : addTag(url, nonce)).then(() => {
      const sdk = plugSdkOnPage();
      if (!sdk) {
        loads.delete(url);
        warn(
          `could not load plug.js from ${url}, or it did not define window.plugSDK (a Content-Security-Policy that blocks it? pass the page's nonce as \`nonce\`)`,
        );
      }
      return sdk;
    });
    loads.set(url, loading);
  }
  return loading;
}
