import { startApp } from '../express/app.js';
import { describeExample, type StartApp } from './support/flow.js';

describeExample('express', startApp as StartApp);
