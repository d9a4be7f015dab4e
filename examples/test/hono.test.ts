import { startApp } from '../hono/app.js';
import { describeExample, type StartApp } from './support/flow.js';

describeExample('hono', startApp as StartApp);
