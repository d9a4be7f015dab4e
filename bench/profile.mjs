#!/usr/bin/env node
// Top self-time functions of V8 .cpuprofile files (`run.mjs --profile`, or `node --cpu-prof`):
//   node bench/profile.mjs bench/profiles/express-plug/*.cpuprofile [--top 25] [--each] [--per N]
// The files are summed into one report (the windows of one configuration), or reported one by
// one with --each; with --per N (the requests served), times are µs per request. Also sums
// self time by package (node_modules/<pkg>, a workspace package, node: internals), which says
// at a glance how much of a server's time is plug-session's.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    top: { type: 'string', default: '25' },
    each: { type: 'boolean', default: false },
    per: { type: 'string' },
  },
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

function report(files) {
  const byFunction = new Map();
  const byPackage = new Map();
  let total = 0;
  const add = (map, key, time) => map.set(key, (map.get(key) ?? 0) + time);
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const self = selfTimes(profile);
    for (const node of profile.nodes) {
      const time = self.get(node.id) ?? 0;
      if (time === 0) continue;
      total += time;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${url.split('/').slice(-3).join('/')}:${lineNumber + 1}` : '';
      add(byFunction, `${functionName || '(anonymous)'} ${where}`, time);
      add(byPackage, packageOf(url), time);
    }
  }
  const pct = (t) =>
    values.per
      ? `${(t / Number(values.per)).toFixed(1).padStart(6)} µs/req`
      : `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\n${files.join(', ')}: ${(total / 1000).toFixed(0)} ms sampled`);
  console.log('\nself time by package:');
  for (const [name, t] of top(byPackage, 12)) console.log(`  ${pct(t)}  ${name}`);
  console.log(`\ntop ${values.top} functions by self time:`);
  for (const [name, t] of top(byFunction, Number(values.top))) console.log(`  ${pct(t)}  ${name}`);
}

if (values.each) for (const file of positionals) report([file]);
else report(positionals);
