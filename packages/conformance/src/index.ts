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
export {
  addedResources,
  type ChildResult,
  lastJsonLine,
  type RunModuleOptions,
  runModule,
  TIMER_TRACKER,
} from './support/child-process.js';
export { type SharedObjects, watchSharedObjects } from './support/shared-objects.js';
export { expectInjectedOnce, type FoundSnippet } from './support/snippet.js';
export { typecheckConsumer } from './support/typecheck-consumer.js';
