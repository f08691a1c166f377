import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeModule } from './coreBundle.js';

/** The files of `dir`, not its subdirectories, in a stable order. */
export const filesOf = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(dir, entry.name))
    .sort();

/**
 * A build of the sandbox kept in node_modules/.cache/spinnaker-github-sandbox/`name`-<key>, the key a hash of the
 * `inputs` (their paths and contents; list package-lock.json for the installed packages). `build` writes into a
 * directory aside, renamed into place when done, so that two sandboxes starting together never read a half-written
 * build; `complete` names the file that exists only in a finished one. Older keys of `name` are removed. Resolves to
 * the cached directory.
 */
export async function cachedBuild(
  root: string,
  { name, inputs, complete }: { name: string; inputs: string[]; complete: string },
  build: (outdir: string) => Promise<void>,
): Promise<string> {
  const hash = createHash('sha256');
  for (const input of inputs) hash.update(input).update(readFileSync(input));
  const cacheRoot = nodeModule(root, '.cache/spinnaker-github-sandbox');
  const cached = join(cacheRoot, `${name}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(cached, complete))) return cached;
  const building = `${cached}.${process.pid}.tmp`;
  try {
    await build(building);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
  for (const old of existsSync(cacheRoot) ? readdirSync(cacheRoot) : []) {
    if (old.startsWith(`${name}-`) && !old.endsWith('.tmp'))
      rmSync(join(cacheRoot, old), { recursive: true, force: true });
  }
  try {
    renameSync(building, cached);
  } catch {
    // Another sandbox put the same build there first.
    rmSync(building, { recursive: true, force: true });
  }
  return cached;
}
