// The plugin bundle for `npm start` (sandbox/start.mjs): whether build/dist is up to date, and a build that never
// leaves a half-written bundle there. Plain JavaScript: start.mjs runs before tsx is loaded.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const DIST = 'build/dist';
/** What rollup reads besides the modules it bundles; node_modules/.package-lock.json changes with every install. */
const CONFIG = [
  'rollup.config.js',
  'plugin.json',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
];
/** Rollup appends it last, so a bundle without it was cut short. */
const COMPLETE = /\/\/# sourceMappingURL=index\.js\.map\s*$/;

const mtimeOf = (path) => (existsSync(path) ? statSync(path).mtimeMs : undefined);

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Whether `root`/build/dist/index.js was built after its last input changed: every file under src/, every bundled
 * module outside node_modules that the bundle's source map names (backend/src/triggers/eventFacts.ts and the other
 * shared backend files), the build's configuration and the installed packages. Anything missing, unreadable or cut
 * short counts as stale.
 * @param {string} root
 * @returns {{ fresh: boolean, reason: string }}
 */
export function pluginBundleState(root) {
  const dist = join(root, DIST);
  const bundle = join(dist, 'index.js');
  if (!existsSync(bundle)) return { fresh: false, reason: `${DIST}/index.js is missing` };
  if (!COMPLETE.test(readFileSync(bundle, 'utf8').slice(-200)))
    return { fresh: false, reason: `${DIST}/index.js is incomplete` };
  let sources;
  try {
    sources = JSON.parse(readFileSync(join(dist, 'index.js.map'), 'utf8')).sources;
    if (!Array.isArray(sources)) throw new Error('no sources');
  } catch {
    return { fresh: false, reason: `${DIST}/index.js.map is missing or unreadable` };
  }
  // Rollup writes them as paths relative to a directory below build/ ('../../../../src/index.ts'): the project's own
  // modules are what follows the leading '../'.
  const bundled = sources
    .filter((source) => typeof source === 'string' && !source.startsWith('\0') && !source.includes('node_modules/'))
    .map((source) => join(root, source.replace(/^(\.\.\/)+/, '')));
  const built = statSync(bundle).mtimeMs;
  const inputs = [...filesUnder(join(root, 'src')), ...bundled];
  for (const input of inputs) {
    const mtime = mtimeOf(input);
    if (mtime === undefined) return { fresh: false, reason: `${relative(root, input)} is gone` };
    if (mtime >= built) return { fresh: false, reason: `${relative(root, input)} changed` };
  }
  for (const config of CONFIG) {
    const mtime = mtimeOf(join(root, config));
    if (mtime !== undefined && mtime >= built) return { fresh: false, reason: `${config} changed` };
  }
  return { fresh: true, reason: `${DIST}/index.js is newer than its inputs` };
}

/**
 * Runs rollup (rollup.config.js) into a directory of its own, then renames its files into build/dist, index.js last:
 * a failed or interrupted build leaves the previous bundle whole, and a sandbox serving build/dist never reads a
 * half-written file. index.js gets the build's start time, so a source edited during the build counts as newer.
 * @param {string} root
 * @param {AbortSignal} [signal] stops rollup
 * @returns {Promise<number>} rollup's exit status
 */
export async function buildPluginBundle(root, signal) {
  const started = new Date();
  const building = join(root, 'build', `.dist-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  const rollup = join(root, 'node_modules/rollup/dist/bin/rollup');
  const child = spawn(process.execPath, [rollup, '-c'], {
    cwd: root,
    env: { ...process.env, PLUGIN_OUT_DIR: relative(root, building) },
    stdio: 'inherit',
    signal,
  });
  child.on('error', () => undefined); // an abort; 'exit' follows
  const status = await new Promise((done) => child.once('exit', (code, killed) => done(code ?? (killed ? 1 : 0))));
  try {
    if (status !== 0) return status;
    const dist = join(root, DIST);
    mkdirSync(dist, { recursive: true });
    const files = readdirSync(building, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(building, join(entry.parentPath, entry.name)))
      .sort((a, b) => Number(a === 'index.js') - Number(b === 'index.js'));
    for (const file of files) {
      mkdirSync(dirname(join(dist, file)), { recursive: true });
      renameSync(join(building, file), join(dist, file));
    }
    utimesSync(join(dist, 'index.js'), started, started);
    return 0;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}
