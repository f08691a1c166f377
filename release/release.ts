// npm run release: writes build/release/ from build/dist (npm run release builds it first). docs/install.md explains
// the files and the variables.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRelease, readPluginJson, type PluginRepositoryEntry } from './pluginRelease';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'build/release');

/** SOURCE_DATE_EPOCH when set, else the last commit's time, so that a rebuild of a commit gives the same bytes. */
function sourceDateEpoch(): number {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  if (fromEnv) {
    if (!/^\d+$/.test(fromEnv)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${fromEnv}`);
    return Number(fromEnv);
  }
  try {
    return Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8' }).trim());
  } catch {
    throw new Error('Set SOURCE_DATE_EPOCH: there is no git commit to take the release date from');
  }
}

function previousReleases(): PluginRepositoryEntry[] | undefined {
  const path = process.env.PREVIOUS_PLUGINS_JSON;
  if (!path) return undefined;
  if (!existsSync(path)) throw new Error(`PREVIOUS_PLUGINS_JSON: ${path} does not exist`);
  return JSON.parse(readFileSync(path, 'utf8')) as PluginRepositoryEntry[];
}

const artifacts = createRelease({
  plugin: readPluginJson(join(root, 'plugin.json')),
  distDir: join(root, 'build/dist'),
  sourceDateEpoch: sourceDateEpoch(),
  urlBase: process.env.RELEASE_URL_BASE || undefined,
  deckUrlBase: process.env.DECK_PLUGIN_URL_BASE || undefined,
  previous: previousReleases(),
});

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, artifacts.zipName), artifacts.zip);
writeFileSync(join(outDir, 'plugins.json'), artifacts.pluginsJson);
writeFileSync(join(outDir, 'plugin-manifest.json'), artifacts.pluginManifestJson);
const { url, sha512sum } = artifacts.release;
process.stdout.write(
  `Wrote build/release/${artifacts.zipName}, plugins.json and plugin-manifest.json\n` +
    `  publish the zip at ${url}\n  sha512 ${sha512sum}\n`,
);
