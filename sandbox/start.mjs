// `npm start`: builds the plugin unless build/dist is up to date, and runs the real backend when a GitHub App is
// configured (GITHUB_APP_ID), else the sandbox. The sandbox starts while rollup builds: Deck's page is served at once
// and Gate's plugin endpoint answers when the bundle is in place (docs/development.md, "npm start"). One node
// process from npm's point of view: `npm run build && node …` put a shell between npm and node, and a SIGINT sent to
// npm (not to the whole terminal) stopped at that shell.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildPluginBundle, pluginBundleState } from './pluginBundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sandbox = !process.env.GITHUB_APP_ID;
const [command, args] = sandbox
  ? [process.execPath, ['--import', 'tsx', join(root, 'sandbox', 'main.ts')]]
  : ['npm', ['start', '--workspace', 'backend']];

const state = process.env.SANDBOX_SKIP_BUILD ? { fresh: true, reason: 'SANDBOX_SKIP_BUILD is set' } : undefined;
const { fresh, reason } = state ?? pluginBundleState(root);
if (fresh) process.stdout.write(`plugin bundle is up to date; skipped the build (${reason})\n`);
else process.stdout.write(`building the plugin bundle (${reason})\n`);

let child;
let exitStatus;
const building = new AbortController();
const build = fresh ? Promise.resolve(0) : buildPluginBundle(root, building.signal);
if (!sandbox) {
  // The backend does not serve the bundle; it starts once the build succeeded, as it always did.
  const status = await build;
  if (status !== 0) process.exit(status);
  start({});
} else {
  // SANDBOX_PLUGIN_PENDING: the sandbox serves the plugin once this process says the bundle is in place.
  start(fresh ? {} : { SANDBOX_PLUGIN_PENDING: '1' });
  // Rollup is the longest part of a first start: while it runs, the sandbox (and the esbuild of Deck it starts, which
  // keeps the lower priority) yields the CPU to it; about 2 s sooner on a busy 2-core machine (docs/performance.md).
  // Raising the priority back needs privileges a user may not have; a niced sandbox is idle anyway.
  const renice = (priority) => {
    try {
      setPriority(child.pid, priority);
    } catch {
      // not permitted: the sandbox keeps the lower priority
    }
  };
  if (!fresh) renice(10);
  const status = await build;
  if (!fresh) renice(0);
  if (status === 0 && !fresh && child.connected) child.send({ pluginBundle: 'ready' });
  if (status !== 0 && exitStatus === undefined) {
    process.stderr.write('The plugin did not build (see above); stopping the sandbox.\n');
    exitStatus = status;
    child.kill('SIGTERM');
  }
}

function start(env) {
  child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: sandbox ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    building.abort();
    process.exit(exitStatus ?? code ?? (signal ? 1 : 0));
  });
}
