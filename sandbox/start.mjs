// `npm start`: the real backend when a GitHub App is configured (GITHUB_APP_ID), else the sandbox.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, args] = process.env.GITHUB_APP_ID
  ? ['npm', ['start', '--workspace', 'backend']]
  : [process.execPath, ['--import', 'tsx', join(root, 'sandbox', 'main.ts')]];

const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
