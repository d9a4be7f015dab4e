import type { Driver } from './driver.js';
import { cacheSuite } from './suite-cache.js';
import { failuresSuite } from './suite-failures.js';
import { headersSuite } from './suite-headers.js';
import { injectionSuite } from './suite-injection.js';
import { mountedTwiceSuite } from './suite-mounted-twice.js';
import { nonceSuite } from './suite-nonce.js';
import { optionsSuite } from './suite-options.js';
import { secretsSuite } from './suite-secrets.js';
import { snippetSuite } from './suite-snippet.js';
import { tokenRouteSuite } from './suite-token-route.js';
import { untouchedSuite } from './suite-untouched.js';
import { upstreamSuite } from './suite-upstream.js';

/**
 * Registers the whole contract of `../shared/API.md` (beside the repository) as vitest tests for one adapter.
 * Every test starts a real app through `driver.start` against a real emulator on
 * 127.0.0.1, talks to it over sockets, and closes what it started.
 *
 * @example
 * // packages/express/test/conformance.test.ts
 * import { runConformanceSuite } from '@plug-session/conformance';
 * runConformanceSuite(expressDriver(express5));
 */
export function runConformanceSuite(driver: Driver): void {
  upstreamSuite(driver);
  cacheSuite(driver);
  failuresSuite(driver);
  injectionSuite(driver);
  snippetSuite(driver);
  nonceSuite(driver);
  headersSuite(driver);
  untouchedSuite(driver);
  tokenRouteSuite(driver);
  optionsSuite(driver);
  secretsSuite(driver);
  mountedTwiceSuite(driver);
}
