import type { Driver } from '@plug-session/conformance';
import { express5Driver } from '../../../express/test/driver.js';
import { fastifyDriver } from '../../../fastify/test/driver.js';
import { koa3Driver } from '../../../koa/test/driver.js';

export * from './constants.js';

/** The conformance drivers of the adapters' own tests: Express 5, Fastify 5, Koa 3. */
export const ADAPTERS: readonly Driver[] = [express5Driver, fastifyDriver, koa3Driver];
