export type { AnyRequest, BodyStyle, Driver, RouteSpec, RunningApp, StartOptions } from './driver.js';
