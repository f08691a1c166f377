// `npm start`: builds the plugin, then runs the real backend when a GitHub App is configured (GITHUB_APP_ID), else
// the sandbox. One node process from npm's point of view: `npm run build && node …` put a shell between npm and
// node, and a SIGINT sent to npm (not to the whole terminal) stopped at that shell.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, args] = process.env.GITHUB_APP_ID
  ? ['npm', ['start', '--workspace', 'backend']]
  : [process.execPath, ['--import', 'tsx', join(root, 'sandbox', 'main.ts')]];

if (!process.env.SANDBOX_SKIP_BUILD) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
