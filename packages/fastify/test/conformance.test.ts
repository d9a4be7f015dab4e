import { runConformanceSuite } from '@plug-session/conformance';
import { fastifyDriver } from './driver.js';

runConformanceSuite(fastifyDriver);
