import { startApp } from '../fastify/app.js';
import { describeExample, type StartApp } from './support/flow.js';

describeExample('fastify', startApp as StartApp);
