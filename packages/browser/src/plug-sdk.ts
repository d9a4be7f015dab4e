/** The part of PLuG's `window.plugSDK` that the library uses. */
export interface PlugSdk {
  init(options: Record<string, unknown>): unknown;
  shutdown?(): unknown;
  readonly isPlugInitialized?: boolean;
}

/**
 * `window.plugSDK` once plug.js has run, else `undefined`. Read through a cast rather than a
 * global `Window` augmentation, which would clash with an app's own declaration of it.
 */
export function plugSdkOnPage(): PlugSdk | undefined {
  const sdk = (window as { plugSDK?: PlugSdk }).plugSDK;
  return sdk && typeof sdk.init === 'function' ? sdk : undefined;
}
