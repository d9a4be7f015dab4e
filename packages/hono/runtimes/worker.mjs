// The runtime app as a Cloudflare Worker (ES modules syntax), configured by the Worker's
// bindings (see app.mjs). Bindings arrive with the first request, so the app is made then.

import { createApp } from './app.mjs';
import { configFrom } from './app-config.mjs';

/** @type {ReturnType<typeof createApp> | undefined} */
let app;

export default {
  /**
   * @param {Request} request
   * @param {Record<string, string>} env
   * @param {unknown} ctx
   */
  fetch(request, env, ctx) {
    app ??= createApp(configFrom((name) => env[name]));
    return app.fetch(request, env, ctx);
  },
};
