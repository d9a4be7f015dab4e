import type { PlugSdk } from './plug-sdk.js';
import type { RouteAnswer } from './token-route.js';
import { warn } from './warn.js';

/**
 * The widget as one connection runs it: `show(answer, sdk)` makes it match a token route
 * answer (a token, `null` for anonymous, `undefined` for none) and does nothing when it
 * already does. A change is DevRev's documented switch: `shutdown()` (awaited), then `init`.
 * `sdk` is asked for plug.js only when there is something to change.
 */
export function createWidget(
  appId: string,
  initOptions: Record<string, unknown> | undefined,
): (answer: RouteAnswer, sdk: () => Promise<PlugSdk | undefined>) => Promise<void> {
  let shown: RouteAnswer;
  // Only the connection decides who the widget is: `initOptions` cannot override either key.
  const { app_id: _appId, session_token: _token, ...extra } = initOptions ?? {};
  return async (answer, sdk) => {
    if (answer === shown) return;
    const plug = await sdk();
    if (!plug) return;
    // PLuG initialises once per page load; a widget started by someone else (an injected
    // snippet) is shut down too before ours starts.
    if (shown !== undefined || plug.isPlugInitialized) {
      shown = undefined;
      try {
        await plug.shutdown?.();
      } catch (error) {
        warn('plugSDK.shutdown() failed', error);
      }
    }
    if (answer === undefined) return;
    try {
      plug.init(
        answer ? { ...extra, app_id: appId, session_token: answer } : { ...extra, app_id: appId },
      );
      shown = answer;
    } catch (error) {
      warn('plugSDK.init() failed', error);
    }
  };
}
