import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { pluginBundleState } from '../../sandbox/pluginBundle.mjs';

/** A project as `npm start` sees it: sources, configuration and a bundle, each with the mtime (in s) it is given. */
function project(
  mtimes: Record<string, number>,
  bundle = 'export const plugin={};\n//# sourceMappingURL=index.js.map\n',
) {
  const root = mkdtempSync(join(tmpdir(), 'plugin-bundle-'));
  const map = {
    version: 3,
    sources: [
      '../../../../src/index.ts',
      '../../../../backend/src/triggers/eventFacts.ts',
      '../../../../node_modules/tslib/tslib.es6.js',
    ],
  };
  const contents: Record<string, string> = {
    'build/dist/index.js': bundle,
    'build/dist/index.js.map': JSON.stringify(map),
  };
  for (const [path, seconds] of Object.entries(mtimes)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, contents[path] ?? '');
    utimesSync(file, seconds, seconds);
  }
  return root;
}

const BUILT = {
  'src/index.ts': 100,
  'src/logs/RunLogs.tsx': 100,
  'backend/src/triggers/eventFacts.ts': 100,
  'backend/src/server.ts': 300,
  'rollup.config.js': 100,
  'package-lock.json': 100,
  'build/dist/index.js.map': 200,
  'build/dist/index.js': 200,
};

const roots: string[] = [];
const stateOf = (mtimes: Record<string, number>, bundle?: string) => {
  const root = project(mtimes, bundle);
  roots.push(root);
  return pluginBundleState(root);
};
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('whether npm start skips the plugin build', () => {
  it('skips it when the bundle is newer than every input, whatever the backend modules it does not bundle', () => {
    expect(stateOf(BUILT)).toEqual({ fresh: true, reason: 'build/dist/index.js is newer than its inputs' });
  });

  it('builds when a source under src/ changed, even one the bundle does not name', () => {
    expect(stateOf({ ...BUILT, 'src/logs/RunLogs.tsx': 250 })).toEqual({
      fresh: false,
      reason: 'src/logs/RunLogs.tsx changed',
    });
    expect(stateOf({ ...BUILT, 'src/new/Thing.tsx': 250 }).fresh).toBe(false);
  });

  it('builds when a backend module the bundle imports changed', () => {
    expect(stateOf({ ...BUILT, 'backend/src/triggers/eventFacts.ts': 250 })).toEqual({
      fresh: false,
      reason: 'backend/src/triggers/eventFacts.ts changed',
    });
  });

  it('builds when the build configuration or the installed packages changed', () => {
    expect(stateOf({ ...BUILT, 'rollup.config.js': 250 }).reason).toBe('rollup.config.js changed');
    expect(stateOf({ ...BUILT, 'package-lock.json': 200 }).reason).toBe('package-lock.json changed');
    expect(stateOf({ ...BUILT, 'node_modules/.package-lock.json': 250 }).reason).toBe(
      'node_modules/.package-lock.json changed',
    );
  });

  it('builds when a bundled module is gone', () => {
    const { 'backend/src/triggers/eventFacts.ts': _gone, ...rest } = BUILT;
    expect(stateOf(rest)).toEqual({ fresh: false, reason: 'backend/src/triggers/eventFacts.ts is gone' });
  });

  it('builds when the bundle is missing, cut short or without its source map', () => {
    const { 'build/dist/index.js': _bundle, ...noBundle } = BUILT;
    expect(stateOf(noBundle).reason).toBe('build/dist/index.js is missing');
    expect(stateOf(BUILT, 'export const plugin={};\n//# sourceMapp').reason).toBe('build/dist/index.js is incomplete');
    const { 'build/dist/index.js.map': _map, ...noMap } = BUILT;
    expect(stateOf(noMap).reason).toBe('build/dist/index.js.map is missing or unreadable');
  });
});
