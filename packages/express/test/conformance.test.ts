import { runConformanceSuite } from '@plug-session/conformance';
import { express4Driver, express5Driver } from './driver.js';

runConformanceSuite(express4Driver);
runConformanceSuite(express5Driver);
