import { nodeHttpDriver, runConformanceSuite } from '../src/index.js';

runConformanceSuite(nodeHttpDriver);
