import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { deterministicZip, type ZipEntry } from './zip';

/** plugin.json at the repository root. */
export interface PluginJson {
  id: string;
  description: string;
  provider: string;
  version: string;
  requires: string;
}

/** One release in a plugin repository's plugins.json (pf4j-update `PluginInfo.PluginRelease`). */
export interface PluginRelease {
  version: string;
  date: string;
  requires: string;
  sha512sum: string;
  url: string;
}

/** One plugin in a plugin repository's plugins.json (pf4j-update `PluginInfo`). */
export interface PluginRepositoryEntry {
  id: string;
  description: string;
  provider: string;
  releases: PluginRelease[];
}

/** One entry of Deck's /plugin-manifest.json (deck `IPluginMetaData`). */
export interface PluginManifestEntry {
  id: string;
  version: string;
  url: string;
}

export interface ReleaseOptions {
  plugin: PluginJson;
  /** The built Deck bundle: `build/dist`. */
  distDir: string;
  /** Seconds since 1970; stamps the zip entries and the release date. */
  sourceDateEpoch: number;
  /** Where the release zip is published; `{id}` and `{version}` are replaced. Default: the GitHub release. */
  urlBase?: string;
  /** Where `index.js` is served for Deck's own plugin-manifest.json; `{id}` and `{version}` are replaced. */
  deckUrlBase?: string;
  /** Releases published before, kept in plugins.json so that Gate can still pin them. */
  previous?: PluginRepositoryEntry[];
}

export interface ReleaseArtifacts {
  zipName: string;
  /** This release's entry, as written into plugins.json. */
  release: PluginRelease;
  zip: Uint8Array;
  /** plugins.json, the plugin repository Gate reads. */
  pluginsJson: string;
  /** plugin-manifest.json for Deck's own assets. */
  pluginManifestJson: string;
}

export const defaultUrlBase = (plugin: PluginJson) => `${plugin.provider}/releases/download/v{version}`;
export const DEFAULT_DECK_URL_BASE = '/plugins/{id}/{version}';

export function readPluginJson(path: string): PluginJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PluginJson;
}

function expand(template: string, plugin: PluginJson): string {
  return template.replaceAll('{id}', plugin.id).replaceAll('{version}', plugin.version).replace(/\/+$/, '');
}

function filesUnder(dir: string): ZipEntry[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { name: relative(dir, path).split(sep).join('/'), data: readFileSync(path) };
    });
}

/** pf4j-update reads `date` with `yyyy-MM-dd'T'HH:mm:ss'Z'` (LenientDateTypeAdapter), so no milliseconds. */
export function releaseDate(sourceDateEpoch: number): string {
  return new Date(sourceDateEpoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i] ?? 0, pb[i] ?? 0];
    if (x !== y) return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/**
 * The release of the Deck plugin as Gate's plugin framework downloads it: `<id>-<version>.zip` holding `deck.zip`,
 * which holds the bundle at its root (kork `PluginBundleExtractor` looks for `{service}.zip`; gate
 * `DeckPluginCache` extracts the `deck` service).
 */
export function createRelease(options: ReleaseOptions): ReleaseArtifacts {
  const { plugin, sourceDateEpoch } = options;
  const bundle = filesUnder(options.distDir);
  if (!bundle.some((file) => file.name === 'index.js')) {
    throw new Error(`${options.distDir} has no index.js; run npm run build first`);
  }
  const deckZip = deterministicZip(bundle, sourceDateEpoch);
  const zip = deterministicZip([{ name: 'deck.zip', data: deckZip }], sourceDateEpoch);
  const zipName = `${plugin.id}-${plugin.version}.zip`;

  const release: PluginRelease = {
    version: plugin.version,
    date: releaseDate(sourceDateEpoch),
    requires: plugin.requires,
    // pf4j-update's Sha512SumVerifier compares DigestUtils.sha512Hex of the download, ignoring case.
    sha512sum: createHash('sha512').update(zip).digest('hex'),
    url: `${expand(options.urlBase ?? defaultUrlBase(plugin), plugin)}/${zipName}`,
  };
  const earlier = options.previous?.find((entry) => entry.id === plugin.id)?.releases ?? [];
  const releases = [release, ...earlier.filter((r) => r.version !== plugin.version)].sort((a, b) =>
    compareVersions(b.version, a.version),
  );
  const entry: PluginRepositoryEntry = {
    id: plugin.id,
    description: plugin.description,
    provider: plugin.provider,
    releases,
  };
  const others = options.previous?.filter((p) => p.id !== plugin.id) ?? [];
  const manifest: PluginManifestEntry[] = [
    {
      id: plugin.id,
      version: plugin.version,
      url: `${expand(options.deckUrlBase ?? DEFAULT_DECK_URL_BASE, plugin)}/index.js`,
    },
  ];
  return {
    zipName,
    release,
    zip,
    pluginsJson: `${JSON.stringify([...others, entry], null, 2)}\n`,
    pluginManifestJson: `${JSON.stringify(manifest, null, 2)}\n`,
  };
}
