import {
  HEADER_BREAK,
  isRecord,
  optionalFunction,
  PlugSessionOptionsError,
} from './option-checks.js';
import type { InjectScriptOptions, PlugSessionOptions } from './option-types.js';
import type { NormalizedOptions } from './options.js';

export const DEFAULT_SCRIPT_SRC = 'https://plug-platform.devrev.ai/static/plug.js';

/** `injectScript` (with the `appId` it needs) checked, its defaults filled in. */
export function normalizeInject<Req>(
  value: PlugSessionOptions<Req>['injectScript'],
  appId: string | undefined,
): NormalizedOptions<Req>['inject'] {
  if (value === undefined || value === false) return undefined;
  if (value !== true && !isRecord(value)) {
    throw new PlugSessionOptionsError('injectScript', 'must be a boolean or an options object');
  }
  if (appId === undefined) {
    throw new PlugSessionOptionsError(
      'appId',
      "is required when injectScript is on: pass your PLuG unique app id (DevRev's Plug settings)",
    );
  }
  const given: InjectScriptOptions<Req> = value === true ? {} : value;
  const scriptSrc = given.scriptSrc ?? DEFAULT_SCRIPT_SRC;
  if (typeof scriptSrc !== 'string' || scriptSrc.trim() === '' || HEADER_BREAK.test(scriptSrc)) {
    throw new PlugSessionOptionsError('injectScript.scriptSrc', 'must be a non-empty URL string');
  }
  if (given.initOptions !== undefined && !isRecord(given.initOptions)) {
    throw new PlugSessionOptionsError('injectScript.initOptions', 'must be a plain object');
  }
  try {
    // They are written into every page as JSON: what JSON cannot write must fail now, not
    // as a per-request failure that would look like a token request gone wrong.
    JSON.stringify(given.initOptions ?? {});
  } catch {
    throw new PlugSessionOptionsError(
      'injectScript.initOptions',
      'must be JSON data (no BigInt, cycle or throwing toJSON): it is written into the page as JSON',
    );
  }
  return {
    scriptSrc,
    initOptions: given.initOptions ?? {},
    nonce: optionalFunction('injectScript.nonce', given.nonce),
    anonymous: given.anonymous ?? true,
  };
}
