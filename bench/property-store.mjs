#!/usr/bin/env node
// What one new property on a request or a response costs, in-process, on objects made as
// Express makes them for every request: a Node `IncomingMessage`/`ServerResponse` whose
// prototype Express then swaps (`Object.setPrototypeOf(res, app.response)`). A companion to
// pair.mjs for Express, where plug-session adds properties of this kind: the engine's mark
// and `req.plugSessionToken` on every request, and the three wrappers of an injected response
// (`writeHead`, `write`, `end`, as `compression` adds them). Prints CPU µs per request made,
// with and without the swap, so that what the stores cost is set against what they cost on a
// plain Node response:
//
//   node bench/property-store.mjs            (after `pnpm build`; try it on Node 20, 22, 24)
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { interceptResponse } from '@plug-session/core/node';
import express from 'express';

const app = express();
const MARK = Symbol.for('plug-session.request');
const declines = () => undefined;
const ROUNDS = 5;
const N = 100_000;

function make(swap) {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  if (swap) {
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
  }
  return { req, res };
}

const CASES = {
  'the request and response alone': () => undefined,
  'req.plugSessionToken': ({ req }) => {
    req.plugSessionToken = 'token';
  },
  'the mark and req.plugSessionToken': ({ req }) => {
    req[MARK] = { resolution: undefined, injecting: false };
    req.plugSessionToken = 'token';
  },
  'interceptResponse(res) (three wrappers)': ({ res }) => interceptResponse(res, declines),
};

/** Median µs per request over ROUNDS rounds of N. */
function measure(swap, store) {
  const times = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < N; i++) store(make(swap));
    const { user, system } = process.cpuUsage(start);
    if (round > 0) times.push((user + system) / N); // round 0 warms up
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

console.log(`Node ${process.version}, V8 ${process.versions.v8}: CPU µs per request\n`);
console.log('| made as | what is stored | µs | over the pair alone |');
console.log('|---|---|---:|---:|');
for (const swap of [false, true]) {
  const label = swap ? 'Express (prototype swapped)' : 'Node (plain)';
  const rows = Object.entries(CASES).map(([name, store]) => [name, measure(swap, store)]);
  const alone = rows[0][1];
  for (const [name, us] of rows) {
    console.log(`| ${label} | ${name} | ${us.toFixed(2)} | +${(us - alone).toFixed(2)} |`);
  }
}
