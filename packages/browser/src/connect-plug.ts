import {
  type ConnectPlugOptions,
  DEFAULT_SCRIPT_SRC,
  DEFAULT_TOKEN_ROUTE,
  type PlugConnection,
} from './options.js';
import { loadPlugSdk } from './plug-script.js';
import { createSerialRunner } from './serial-runner.js';
import { askTokenRoute } from './token-route.js';
import { warn } from './warn.js';
import { createWidget } from './widget.js';

/** A connection that does nothing, for a call that cannot work (no DOM, no app id). */
function inert(reason: string): PlugConnection {
  warn(reason);
  const done = Promise.resolve();
  return { ready: done, identify: () => done, shutdown: () => done };
}

/**
 * Starts DevRev's PLuG widget in a single-page app and keeps it on the signed-in user: loads
 * plug.js (once, and not at all when the page already loads it), asks your server's token
 * route, and calls `plugSDK.init` with the session token, without one for an anonymous
 * visitor, and not at all when the route answers 503 (a signed-in user whose token could not
 * be had never gets an anonymous widget). Call `identify()` after every sign-in, sign-out or
 * account switch. Nothing is ever thrown into the page: failures resolve, with one
 * `console.warn` each.
 *
 * @param options - `appId`, and optionally `tokenRoute`, `scriptSrc`, `initOptions`, `nonce`.
 * @returns `{ ready, identify(), shutdown() }`; call `connectPlug` once per page.
 *
 * @example
 * import { connectPlug } from '@plug-session/browser';
 *
 * const plug = connectPlug({ appId: 'don:core:dvrv-us-1:devo/…:plug_setting/1' });
 *
 * async function signIn(credentials) {
 *   await fetch('/api/signin', { method: 'POST', body: JSON.stringify(credentials) });
 *   await plug.identify(); // the widget now shows the signed-in user
 * }
 */
export function connectPlug(options: ConnectPlugOptions): PlugConnection {
  if (typeof document === 'undefined') {
    return inert(
      'connectPlug() runs in a browser only: call it on the client, not while rendering on the server',
    );
  }
  const { appId, tokenRoute = DEFAULT_TOKEN_ROUTE, initOptions, nonce } = options ?? {};
  if (typeof appId !== 'string' || appId === '') {
    return inert('connectPlug() needs appId, the PLuG unique app id: no widget is shown');
  }
  const scriptSrc = options.scriptSrc ?? DEFAULT_SCRIPT_SRC;
  const sdk = () => loadPlugSdk(scriptSrc, nonce);
  const show = createWidget(appId, initOptions);
  const run = createSerialRunner();

  const identify = () =>
    run(async () => {
      // plug.js loads while the route is asked: one attempt per run, one warning if it fails.
      const loading = sdk();
      await show(await askTokenRoute(tokenRoute), () => loading);
    });
  return {
    ready: identify(),
    identify,
    shutdown: () => run(() => show(undefined, sdk)),
  };
}
