/**
 * A deterministic GitHub Actions job log of any length, shaped like a real one: BOM, ISO timestamps, the runner's
 * "Set up job" groups, `##[group]Run …` steps, npm and test-runner output with ANSI colours, warnings, and a failure
 * at the end. Used by the log benchmark and the browser test.
 */

const ESC = '\x1b';
const PACKAGES = ['lodash', 'react', 'express', 'typescript', 'webpack', 'jest', 'eslint', 'rxjs', 'axios', 'zod'];
const MODULES = ['cart', 'checkout', 'auth', 'search', 'profile', 'orders', 'billing', 'inventory', 'shipping', 'api'];
/**
 * The term the benchmark searches for: on about one line in 500. Lower case, because Backstage's LogViewer lower-cases
 * the term but not the lines.
 */
export const SEARCH_TERM = 'retrying';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function stamp(ms: number): string {
  return new Date(Date.UTC(2024, 2, 14, 9) + ms).toISOString().replace('Z', '0000Z');
}

const SETUP = [
  "Current runner version: '2.314.1'",
  '##[group]Operating System',
  'Ubuntu',
  '22.04.4',
  'LTS',
  '##[endgroup]',
  '##[group]Runner Image',
  'Image: ubuntu-22.04',
  'Version: 20240310.1.0',
  '##[endgroup]',
  '##[group]GITHUB_TOKEN Permissions',
  'Contents: read',
  'Metadata: read',
  '##[endgroup]',
  "Download action repository 'actions/checkout@v4' (SHA:b4ffde65f46336ab88eb53be808477a3936bae11)",
  '##[group]Run actions/checkout@v4',
  'with:',
  '  repository: octo-org/web-app',
  '  token: ***',
  '##[endgroup]',
  '[command]/usr/bin/git version',
  'git version 2.44.0',
];

function outputLine(next: () => number, n: number): string {
  const roll = next();
  const module = MODULES[Math.floor(next() * MODULES.length)];
  const ms = Math.floor(next() * 400);
  if (roll < 0.3)
    return ` ${ESC}[32m✓${ESC}[39m src/${module}/${module}${n}.test.ts > handles case ${n} ${ESC}[90m${ms}ms${ESC}[39m`;
  if (roll < 0.4) {
    const pkg = PACKAGES[Math.floor(next() * PACKAGES.length)];
    return `npm ${ESC}[33mWARN${ESC}[39m ${ESC}[94mdeprecated${ESC}[39m ${pkg}@${n % 9}.${n % 13}.0: this version is no longer supported`;
  }
  if (roll < 0.402)
    return `${ESC}[31mError: connect ETIMEDOUT 10.0.${n % 256}.7:443${ESC}[39m (${SEARCH_TERM} in ${ms} ms)`;
  if (roll < 0.5)
    return `${ESC}[36m[webpack]${ESC}[39m compiled src/${module}/index.ts in ${ms} ms ${ESC}[1m${ESC}[32m(${n} modules)${ESC}[39m${ESC}[22m`;
  if (roll < 0.505) return `##[warning]src/${module}/index.ts:${n % 300}:7: 'value' is possibly 'undefined'.`;
  return `    at Object.<anonymous> (/home/runner/work/web-app/web-app/src/${module}/handler.ts:${n % 400}:${ms % 80}) step ${n}`;
}

/** `lines` lines of log text (one per `\n`, the last one ending with a newline too). */
export function syntheticLog(lines: number, seed = 1): string {
  const next = random(seed);
  const parts: string[] = [];
  let clock = 0;
  const push = (text: string) => {
    clock += Math.floor(next() * 20);
    parts.push(`${stamp(clock)} ${text}`);
  };
  for (const text of SETUP) push(text);
  let step = 0;
  const tail = 3;
  while (parts.length < lines - tail) {
    step++;
    push(`##[group]Run npm run test:shard -- --shard=${step}`);
    push(`${ESC}[36;1mnpm run test:shard -- --shard=${step}${ESC}[0m`);
    push('shell: /usr/bin/bash -e {0}');
    push('##[endgroup]');
    const body = Math.min(lines - tail - parts.length, 200 + Math.floor(next() * 1800));
    for (let i = 0; i < body; i++) push(outputLine(next, parts.length));
  }
  push(`${ESC}[31m${ESC}[1mAssertionError${ESC}[22m: expected 90 to be 81 // Object.is equality${ESC}[39m`);
  push('##[error]Process completed with exit code 1.');
  push('Cleaning up orphan processes');
  return `\ufeff${parts.slice(0, lines).join('\n')}\n`;
}
