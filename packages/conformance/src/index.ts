export type {
  AnyRequest,
  BodyStyle,
  Driver,
  RouteSpec,
  RunningApp,
  StartOptions,
} from './driver.js';
export { runConformanceSuite } from './suite.js';
