import { runConformanceSuite } from '@plug-session/conformance';
import { honoDriver } from './driver.js';

runConformanceSuite(honoDriver);
