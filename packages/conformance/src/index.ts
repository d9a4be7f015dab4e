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
export { typecheckConsumer } from './support/typecheck-consumer.js';
