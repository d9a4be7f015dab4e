#!/usr/bin/env node
// Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`, or `run.mjs --profile`):
//   node bench/profile.mjs bench/profiles/express-plug/*.cpuprofile [--top 25]
// Also sums self time by package (node_modules/<pkg>, a workspace package, node: internals),
// which says at a glance how much of a server's time is plug-session's.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' } },
  allowPositionals: true,
});

/** Self time (µs) of every node, from the sample intervals. */
function selfTimes(profile) {
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i + 1] ?? 0));
  }
  return self;
}

function packageOf(url) {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return 'node: internals';
  const workspace = /\/packages\/([^/]+)\/dist\//.exec(url);
  if (workspace) return `@plug-session/${workspace[1]}`;
  const modules = url.split('/node_modules/').at(-1);
  if (modules !== url)
    return modules.startsWith('@')
      ? modules.split('/').slice(0, 2).join('/')
      : modules.split('/')[0];
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

function report(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const self = selfTimes(profile);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byPackage = new Map();
  for (const node of profile.nodes) {
    const time = self.get(node.id) ?? 0;
    if (time === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.split('/').slice(-3).join('/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
  }
  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\n${file}: ${(total / 1000).toFixed(0)} ms sampled`);
  console.log('\nself time by package:');
  for (const [name, t] of top(byPackage, 12)) console.log(`  ${pct(t)}  ${name}`);
  console.log(`\ntop ${values.top} functions by self time:`);
  for (const [name, t] of top(byFunction, Number(values.top))) console.log(`  ${pct(t)}  ${name}`);
}

for (const file of positionals) report(file);
