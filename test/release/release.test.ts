import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import {
  createRelease,
  readPluginJson,
  type PluginManifestEntry,
  type PluginRepositoryEntry,
} from '../../release/pluginRelease';

const root = fileURLToPath(new URL('../..', import.meta.url));
const plugin = readPluginJson(join(root, 'plugin.json'));
const EPOCH = 1_700_000_000;
const sha512 = (bytes: Uint8Array) => createHash('sha512').update(bytes).digest('hex');

let dist: string;
beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'release-dist-'));
  writeFileSync(join(dist, 'index.js'), 'export const plugin = { stages: [] };\n');
  writeFileSync(join(dist, 'index.js.map'), '{"version":3,"sources":[],"mappings":""}\n');
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const release = (overrides: Partial<Parameters<typeof createRelease>[0]> = {}) =>
  createRelease({ plugin, distDir: dist, sourceDateEpoch: EPOCH, ...overrides });

describe('createRelease', () => {
  it('zips deck.zip inside <id>-<version>.zip, with the bundle at the root of deck.zip', () => {
    const { zip, zipName } = release();
    expect(zipName).toBe(`${plugin.id}-${plugin.version}.zip`);
    const outer = unzipSync(zip);
    expect(Object.keys(outer)).toEqual(['deck.zip']);
    const deck = unzipSync(outer['deck.zip']!);
    expect(Object.keys(deck).sort()).toEqual(['index.js', 'index.js.map']);
    expect(Buffer.from(deck['index.js']!).equals(readFileSync(join(dist, 'index.js')))).toBe(true);
  });

  it('writes a plugins.json entry from plugin.json whose sha512sum is the hex SHA-512 of the zip', () => {
    const { zip, pluginsJson } = release();
    const entries = JSON.parse(pluginsJson) as PluginRepositoryEntry[];
    expect(entries).toEqual([
      {
        id: plugin.id,
        description: plugin.description,
        provider: plugin.provider,
        releases: [
          {
            version: plugin.version,
            date: '2023-11-14T22:13:20Z',
            requires: plugin.requires,
            sha512sum: sha512(zip),
            url: `${plugin.provider}/releases/download/v${plugin.version}/${plugin.id}-${plugin.version}.zip`,
          },
        ],
      },
    ]);
    // Gate takes a release for Deck only when `requires` names deck (kork SpinnakerUpdateManager.getLastPluginRelease).
    expect(entries[0]!.releases[0]!.requires).toMatch(/\bdeck\b/);
  });

  it('builds the download and Deck URLs from the templates it is given', () => {
    const { pluginsJson, pluginManifestJson } = release({
      urlBase: 'https://artifacts.example.com/{id}/{version}/',
      deckUrlBase: 'https://cdn.example.com/deck-plugins/{id}/{version}',
    });
    const [entry] = JSON.parse(pluginsJson) as PluginRepositoryEntry[];
    expect(entry!.releases[0]!.url).toBe(
      `https://artifacts.example.com/${plugin.id}/${plugin.version}/${plugin.id}-${plugin.version}.zip`,
    );
    expect(JSON.parse(pluginManifestJson) as PluginManifestEntry[]).toEqual([
      {
        id: plugin.id,
        version: plugin.version,
        url: `https://cdn.example.com/deck-plugins/${plugin.id}/${plugin.version}/index.js`,
      },
    ]);
  });

  it('keeps earlier releases, newest first, and replaces a release of the same version', () => {
    const earlier = (version: string) => ({
      version,
      date: '2020-01-01T00:00:00Z',
      requires: 'deck>=0.0.0',
      sha512sum: 'old',
      url: `https://example.com/${version}.zip`,
    });
    const previous: PluginRepositoryEntry[] = [
      { ...plugin, releases: [earlier('0.0.9'), earlier(plugin.version), earlier('0.0.10')] },
      { id: 'Other.Plugin', description: 'other', provider: 'https://example.com', releases: [earlier('1.0.0')] },
    ];
    const entries = JSON.parse(release({ previous }).pluginsJson) as PluginRepositoryEntry[];
    expect(entries.map((entry) => entry.id)).toEqual(['Other.Plugin', plugin.id]);
    const ours = entries[1]!.releases;
    expect(ours.map((r) => r.version)).toEqual([plugin.version, '0.0.10', '0.0.9']);
    expect(ours[0]!.sha512sum).not.toBe('old');
  });

  it('gives the same bytes on every run, in any time zone', () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      const first = release();
      process.env.TZ = 'Asia/Tokyo';
      const second = release();
      expect(sha512(second.zip)).toBe(sha512(first.zip));
      expect(second.pluginsJson).toBe(first.pluginsJson);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('refuses a dist directory without index.js', () => {
    const empty = mkdtempSync(join(tmpdir(), 'release-empty-'));
    try {
      expect(() => release({ distDir: empty })).toThrow(/has no index.js; run npm run build first/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('npm run release (release/release.ts)', () => {
  const out = join(root, 'build/release');
  const run = () =>
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'release/release.ts')], {
      cwd: root,
      env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH), RELEASE_URL_BASE: '', DECK_PLUGIN_URL_BASE: '' },
      encoding: 'utf8',
    });

  beforeAll(() => {
    // The release packs the real bundle; npm test builds it before this project runs.
    if (!existsSync(join(root, 'build/dist/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: root });
  });

  it('writes the zip, plugins.json and plugin-manifest.json into build/release, identically twice', () => {
    run();
    const zipPath = join(out, `${plugin.id}-${plugin.version}.zip`);
    const first = readFileSync(zipPath);
    const [entry] = JSON.parse(readFileSync(join(out, 'plugins.json'), 'utf8')) as PluginRepositoryEntry[];
    expect(entry!.releases[0]!.sha512sum).toBe(sha512(first));
    const deck = unzipSync(unzipSync(first)['deck.zip']!);
    expect(Buffer.from(deck['index.js']!).equals(readFileSync(join(root, 'build/dist/index.js')))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'plugin-manifest.json'), 'utf8'))).toEqual([
      { id: plugin.id, version: plugin.version, url: `/plugins/${plugin.id}/${plugin.version}/index.js` },
    ]);

    run();
    expect(sha512(readFileSync(zipPath))).toBe(sha512(first));
  });
});
