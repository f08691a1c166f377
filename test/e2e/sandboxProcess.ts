import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { root } from '../browser/chromium';

export interface RunningSandbox {
  url: string;
  output(): string;
  /** A message over the IPC channel, as sandbox/start.mjs sends them; only with `{ ipc: true }`. */
  send(message: unknown): void;
  stop(): Promise<void>;
}

/**
 * Starts the sandbox as `npm start` does without a GitHub App (node --import tsx sandbox/main.ts), on a free port,
 * and resolves once it prints its URL. `ipc` opens the channel sandbox/start.mjs talks to the sandbox over.
 */
export function startSandboxProcess(
  env: Record<string, string> = {},
  { ipc = false }: { ipc?: boolean } = {},
): Promise<RunningSandbox> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'sandbox', 'main.ts')], {
    cwd: root,
    env: { ...process.env, GITHUB_APP_ID: '', PORT: '0', ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Open (http:\/\/localhost:\d+)\//.exec(output)?.[1];
      if (!url) return;
      child.stdout?.off('data', onData);
      resolve({
        url,
        output: () => output,
        send: (message) => void child.send?.(message as object),
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`The sandbox exited with ${code} before it started:\n${output}`)));
  });
}
