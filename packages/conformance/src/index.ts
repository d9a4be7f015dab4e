export type {
  AnyRequest,
  BodyStyle,
  Driver,
  RouteSpec,
  RunningApp,
  StartOptions,
} from './driver.js';
export { nodeHttpDriver } from './reference-driver.js';
export { runConformanceSuite } from './suite.js';
export { type AppLogger, appLoggerSuite } from './support/app-logger-suite.js';
export type { Harness, Options } from './support/harness.js';
export {
  mountedTwicePageSuite,
  pageWith,
  type TwiceMounted,
} from './support/mounted-twice-page-suite.js';
export { type ChildTest, type NoTimersSpec, noTimersSuite } from './support/no-timers-suite.js';
export { dripped, HTML, PAGE, split } from './support/pages.js';
export { type SharedObjects, watchSharedObjects } from './support/shared-objects.js';
export {
  PAGE_PATHS,
  type SharedObjectsSpec,
  sharedObjectsTests,
  type WatchedApp,
} from './support/shared-objects-tests.js';
export { expectInjectedOnce, type FoundSnippet } from './support/snippet.js';
export { typecheckConsumer } from './support/typecheck-consumer.js';
