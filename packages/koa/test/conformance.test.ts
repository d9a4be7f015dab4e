import { runConformanceSuite } from '@plug-session/conformance';
import { koa2Driver, koa3Driver } from './driver.js';

runConformanceSuite(koa2Driver);
runConformanceSuite(koa3Driver);
