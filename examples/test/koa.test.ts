import { startApp } from '../koa/app.js';
import { describeExample, type StartApp } from './support/flow.js';

describeExample('koa', startApp as StartApp);
