// `npm run dev:deck [deck url]`: rebuilds the plugin on every change and loads the build into a running Deck, with
// @spinnaker/pluginsdk's own dev proxy (docs/development.md, "Try your change in your Deck").
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK_VERSION = '0.0.19';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pluginId = JSON.parse(readFileSync(join(root, 'plugin.json'), 'utf8')).id;

// The Deck URL: the argument, else DEV_PROXY_HOST or package.json `devProxy.host` (the pluginsdk's own settings).
const deckUrl = process.argv[2] ?? process.env.DEV_PROXY_HOST ?? packageJson.devProxy?.host;
if (!deckUrl || !/^https?:\/\//.test(deckUrl)) {
  console.error('Usage: npm run dev:deck -- <Deck URL>, e.g. npm run dev:deck -- http://localhost:8086/');
  console.error('(or set DEV_PROXY_HOST, or "devProxy": { "host": "<Deck URL>" } in package.json)');
  process.exit(2);
}

// The pluginsdk pins eslint 6, TypeScript 3.8 and rollup 1 as peers and has a postinstall script: it is installed
// on its own, outside this tree, without its peers and without running scripts. Only its dev proxy is used.
const prefix = process.env.PLUGINSDK_PREFIX ?? join(tmpdir(), `spinnaker-pluginsdk-${SDK_VERSION}`);
const sdk = join(prefix, 'node_modules', '@spinnaker', 'pluginsdk');
if (!existsSync(join(sdk, 'scripts', 'dev-proxy', 'server.js'))) {
  console.log(`Installing @spinnaker/pluginsdk@${SDK_VERSION} in ${prefix} (not in this project)`);
  const flags = ['--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock'];
  const install = spawnSync('npm', ['install', '--prefix', prefix, ...flags, `@spinnaker/pluginsdk@${SDK_VERSION}`], {
    stdio: 'inherit',
  });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const children = [
  spawn(process.execPath, [join(root, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c', '-w'], {
    cwd: root,
    stdio: 'inherit',
  }),
  // The proxy reads package.json and build/dist from its working directory, and the plugin id from PLUGIN_ID.
  spawn(process.execPath, [join(sdk, 'scripts', 'dev-proxy', 'server.js')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, DEV_PROXY_HOST: deckUrl, PLUGIN_ID: pluginId },
  }),
];
const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) {
  child.on('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
}
