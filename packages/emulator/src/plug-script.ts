/** Where the emulator serves its stand-in for PLuG's plug.js. */
export const PLUG_SCRIPT_PATH = '/static/plug.js';

/**
 * The stand-in for `https://plug-platform.devrev.ai/static/plug.js`: `window.plugSDK` with
 * `init`, `shutdown`, `isPlugInitialized` and `onEvent`, and a small box in the corner of
 * the page saying whom it believes the visitor is, after asking the emulator
 * (`POST /plug/verify`) whether the session token is genuine.
 *
 * ES2017, no dependencies, no `eval`, no inline handlers or `innerHTML` (pages under a
 * strict CSP load it, and a display name must never become markup). Styles go through
 * the CSSOM, which `style-src` does not restrict. Non-ASCII text is written as escapes so
 * the script reads the same whatever charset a proxy claims.
 */
export const PLUG_SCRIPT = `/* plug-session emulator: a stand-in for PLuG's plug.js. Not the real SDK. */
(function () {
  'use strict';
  if (window.plugSDK && window.plugSDK.__emulator) return;
  var script = document.currentScript || document.querySelector('script[src$="${PLUG_SCRIPT_PATH}"]');
  var verifyUrl = script && script.src ? new URL('/plug/verify', script.src).href : null;
  var record = (window.__plugEmulator = { inits: [], shutdowns: 0 });
  var listeners = [];
  var initialized = false;
  var generation = 0;
  var widget = null;
  var COLORS = { anonymous: '#374151', pending: '#92400e', identified: '#166534', invalid: '#991b1b' };

  function emit(event) {
    listeners.slice().forEach(function (listener) {
      try { listener(event); } catch (error) { console.error(error); }
    });
  }

  function draw(state, text, userRef) {
    if (!widget) return;
    widget.setAttribute('data-state', state);
    if (userRef) widget.setAttribute('data-user-ref', userRef);
    else widget.removeAttribute('data-user-ref');
    widget.style.background = COLORS[state];
    widget.textContent = text;
  }

  function mount(appId) {
    var el = document.createElement('div');
    el.id = 'plug-emulator-widget';
    el.setAttribute('role', 'status');
    el.setAttribute('data-app-id', String(appId));
    el.title = 'PLuG emulator \\u00b7 app_id: ' + appId;
    var s = el.style;
    s.position = 'fixed'; s.right = '16px'; s.bottom = '16px'; s.zIndex = '2147483647';
    s.maxWidth = '320px'; s.padding = '10px 14px'; s.borderRadius = '10px'; s.color = '#fff';
    s.font = '13px/1.4 system-ui, sans-serif'; s.boxShadow = '0 4px 14px rgba(0, 0, 0, 0.25)';
    widget = el;
    var attach = function () { if (widget === el) document.body.appendChild(el); };
    if (document.body) attach();
    else document.addEventListener('DOMContentLoaded', attach, { once: true });
  }

  function unmount() {
    if (widget && widget.parentNode) widget.parentNode.removeChild(widget);
    widget = null;
  }

  function identify(token, current) {
    var fail = function (reason) {
      if (current !== generation) return;
      draw('invalid', 'Invalid session token (' + reason + ')');
      emit({ type: 'ON_PLUG_EMULATOR_IDENTITY', state: 'invalid', reason: reason });
    };
    if (!verifyUrl) return fail('cannot find the emulator');
    fetch(verifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_token: token }),
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (!answer || !answer.valid) return fail((answer && answer.reason) || 'unknown');
        if (current !== generation) return;
        var who = answer.display_name ? answer.display_name + ' (' + answer.user_ref + ')' : answer.user_ref;
        draw('identified', 'Signed in as ' + who + ' \\u00b7 verified by the emulator', answer.user_ref);
        emit({ type: 'ON_PLUG_EMULATOR_IDENTITY', state: 'identified', user_ref: answer.user_ref });
      })
      .catch(function () { fail('the emulator did not answer'); });
  }

  var sdk = {
    __emulator: true,
    init: function (options) {
      var opts = options || {};
      record.inits.push(Object.assign({}, opts));
      if (!opts.app_id) console.warn('[plug emulator] init() without app_id');
      if (initialized) {
        console.warn('[plug emulator] init() called again without shutdown(); redrawing');
        unmount();
      }
      initialized = true;
      generation += 1;
      mount(opts.app_id);
      var token = opts.session_token;
      if (typeof token === 'string' && token !== '') {
        draw('pending', 'Checking the session token\\u2026');
        identify(token, generation);
      } else {
        draw('anonymous', 'Anonymous visitor');
      }
      emit({ type: 'ON_PLUG_WIDGET_READY' });
    },
    shutdown: function () {
      record.shutdowns += 1;
      initialized = false;
      generation += 1;
      unmount();
      return Promise.resolve();
    },
    onEvent: function (listener) {
      if (typeof listener === 'function') listeners.push(listener);
    },
  };
  Object.defineProperty(sdk, 'isPlugInitialized', {
    enumerable: true,
    get: function () { return initialized; },
  });
  window.plugSDK = sdk;
})();
`;
