import { randomBytes } from 'node:crypto';

/** A fresh CSP nonce: 128 random bits, base64. One per response, never reused. */
export function newNonce() {
  return randomBytes(16).toString('base64');
}

/**
 * The Content-Security-Policy directives of the example apps, in helmet's format. Scripts
 * must come from this origin, from plug.js's origin, or carry the response's nonce:
 * plug-session finds that nonce in the header and puts it on the two tags it injects.
 *
 * @param {object} options
 * @param {readonly string[]} options.plugHosts the origins plug.js loads from and talks to
 *   (the emulator's URL, or https://plug-platform.devrev.ai and https://api.devrev.ai)
 * @param {unknown[]} [options.scriptNonce] helmet's per-request nonce source, such as
 *   `[(req, res) => \`'nonce-${res.locals.cspNonce}'\`]`; @fastify/helmet adds its own
 */
export function cspDirectives({ plugHosts, scriptNonce = [] }) {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...scriptNonce, ...plugHosts],
    scriptSrcAttr: ["'none'"],
    connectSrc: ["'self'", ...plugHosts],
    // The stand-in widget styles itself through element.style, which style-src allows;
    // the real widget draws its chat window in a frame from plug-platform.devrev.ai.
    styleSrc: ["'self'", ...plugHosts],
    imgSrc: ["'self'", 'data:', ...plugHosts],
    fontSrc: ["'self'", ...plugHosts],
    frameSrc: [...plugHosts],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'self'"],
  };
}
