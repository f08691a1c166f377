// npm run config:generate: rewrites the Spinnaker configuration files from release/spinnakerConfig.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigFiles } from './configFiles';
import { readPluginJson } from './pluginRelease';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = await renderConfigFiles(readPluginJson(join(root, 'plugin.json')), root);
for (const [path, text] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
