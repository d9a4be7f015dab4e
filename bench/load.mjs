// The load generator, a process of its own. Spec: { url, path, connections, duration
// (seconds) | amount (requests), users (distinct `x-user` values), userOffset (the first is
// `u<userOffset>`) }.
//   node load.mjs '<json spec>'   runs once and prints one JSON line;
//   forked with IPC               answers each `{ cmd: 'run', spec }` with `{ cmd: 'run', result }`,
//                                 so one warm autocannon serves the whole run.
//
// Latency percentiles come from every response's own time (float ms): autocannon's histogram
// rounds to whole milliseconds, too coarse for "p99 within 10%".
import autocannon from 'autocannon';

/**
 * The requests one connection cycles through: up to 100 users from `offset` on. Connection i
 * starts at user i·(users/connections): with 100 users every connection sees every user
 * (concurrent requests for one user, as from several tabs); with 5 000, each connection has
 * its own 100. Kept short because autocannon builds every request's bytes up front.
 */
function requestsFor(path, users, offset, userOffset) {
  return Array.from({ length: Math.min(users, 100) }, (_, k) => ({
    method: 'GET',
    path,
    // A browser's page view by a logged-in user: connect-livereload injects only when
    // `accept` names HTML.
    headers: {
      accept: 'text/html,application/xhtml+xml',
      'x-user': `u${userOffset + ((k + offset) % users)}`,
    },
  }));
}

/** @returns {Promise<object>} requests, rps, p50/p99/max (ms), errors, the load's CPU share */
export function runLoad(spec) {
  const { url, path = '/', connections, duration, amount, users = 100, userOffset = 0 } = spec;
  const step = Math.max(1, Math.floor(users / connections));
  let nextClient = 0;
  const latencies = [];
  const cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        requests: requestsFor(path, users, 0, userOffset),
        setupClient: (client) =>
          client.setRequests(requestsFor(path, users, nextClient++ * step, userOffset)),
        ...(amount === undefined ? { duration } : { amount }),
        // autocannon stops at its first sample tick after `duration`: with its default 1 s
        // tick a 1.25 s window ran 2 s (and the 2.5 s windows of runs A–G ran 3 s).
        sampleInt: 250,
        timeout: 10,
      },
      (error, result) => {
        if (error) return reject(error);
        const cpu = process.cpuUsage(cpuBefore);
        latencies.sort((a, b) => a - b);
        const at = (q) =>
          latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
        const ok = result['2xx'];
        resolve({
          requests: ok,
          rps: ok / result.duration,
          seconds: result.duration,
          bytesPerSecond: result.throughput.average,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          p50: at(0.5),
          p99: at(0.99),
          max: latencies.at(-1),
          loadCpuShare: (cpu.user + cpu.system) / 1000 / (result.duration * 1000),
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

if (process.send) {
  process.on('disconnect', () => process.exit(0)); // never outlive the orchestrator
  process.on('message', async ({ cmd, spec }) => {
    if (cmd !== 'run') return;
    try {
      process.send({ cmd: 'run', result: await runLoad(spec) });
    } catch (error) {
      process.send({ cmd: 'run', error: String(error?.stack ?? error) });
    }
  });
  process.send({ cmd: 'ready' });
} else if (process.argv[2]) {
  process.stdout.write(`${JSON.stringify(await runLoad(JSON.parse(process.argv[2])))}\n`);
}
