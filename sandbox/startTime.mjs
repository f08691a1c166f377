// `npm run bench:start [-- cold|rebuild|warm ...]`: seconds from `npm start` (the sandbox) to a usable real Deck in
// Chromium: the executions view of application hello lists "Deploy with GitHub", and Deck fetched the plugin from
// Gate's plugin endpoint; then until the tools page (/sandbox/) answers. "cold" first removes build/dist and the
// sandbox's build cache (node_modules/.cache/spinnaker-github-sandbox), as after `npm ci` on a clean clone;
// "rebuild" removes build/dist only, as after an edit of the plugin; "warm" keeps both. Default: cold, then warm.
// Prints the load average (uptime) with every figure. Needs /usr/bin/chromium (CHROMIUM=… for another).
import { spawn, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIMEOUT_MS = 180_000;
const kinds = process.argv.slice(2).length ? process.argv.slice(2) : ['cold', 'warm'];
if (kinds.some((kind) => !['cold', 'rebuild', 'warm'].includes(kind))) {
  process.stderr.write('usage: npm run bench:start -- [cold|rebuild|warm ...]\n');
  process.exit(2);
}

const load = () =>
  execFileSync('uptime', { encoding: 'utf8' })
    .trim()
    .replace(/.*load average: /, '');
const seconds = (ms) => (ms / 1000).toFixed(1);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function measure(browser, kind) {
  if (kind !== 'warm') rmSync(join(root, 'build/dist'), { recursive: true, force: true });
  if (kind === 'cold') {
    rmSync(join(root, 'node_modules/.cache/spinnaker-github-sandbox'), { recursive: true, force: true });
  }
  const port = await freePort();
  const loadBefore = load();
  const started = performance.now();
  const at = () => performance.now() - started;
  // Its own process group, so that the whole of npm start (npm, node, rollup, the sandbox) stops at the end.
  const npm = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, GITHUB_APP_ID: '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const marks = {};
  let output = '';
  const exited = new Promise((resolve) => npm.once('exit', resolve));
  const opened = new Promise((resolve, reject) => {
    const read = (chunk) => {
      output += chunk.toString();
      if (marks.built === undefined && /created .* in /.test(output)) marks.built = at();
      const url = /Open (http:\/\/localhost:\d+\/\S*)/.exec(output)?.[1];
      if (url && marks.url === undefined) {
        marks.url = at();
        resolve(url);
      }
    };
    npm.stdout.on('data', read);
    npm.stderr.on('data', read);
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const plugin = new Promise((resolve) =>
    page.on('response', (response) => {
      if (/\/plugins\/deck\/.*\/index\.js$/.test(response.url()) && response.ok()) resolve(at());
    }),
  );
  try {
    const url = await opened;
    await page.goto(url, { timeout: TIMEOUT_MS });
    await page
      .locator('h4.execution-group-title', { hasText: 'Deploy with GitHub' })
      .first()
      .waitFor({ timeout: TIMEOUT_MS });
    marks.deck = at();
    marks.plugin = await plugin;
    marks.usable = Math.max(marks.deck, marks.plugin);
    // The tools page is built in the background; waiting for it also leaves its cache filled for a warm run.
    const tools = await fetch(new URL('/sandbox/', url), { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!tools.ok) throw new Error(`/sandbox/ answered ${tools.status}: ${await tools.text()}`);
    marks.tools = at();
  } finally {
    await page.close();
    process.kill(-npm.pid, 'SIGTERM');
    await exited;
  }
  const built = marks.built === undefined ? 'skipped' : `${seconds(marks.built)} s`;
  process.stdout.write(
    `${kind}: usable Deck ${seconds(marks.usable)} s (URL printed ${seconds(marks.url)} s, plugin built ${built}, ` +
      `plugin loaded ${seconds(marks.plugin)} s, tools page ${seconds(marks.tools)} s); load average before ${loadBefore}, after ${load()}\n`,
  );
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  for (const kind of kinds) await measure(browser, kind);
} finally {
  await browser.close();
}
