// Entry point of `npm run bench:logs`: installs the competitors' package (bench/package.json) when missing, bundles
// bench/runBench.ts with esbuild and runs it. Arguments after `--` go to runBench.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const bench = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(bench, 'node_modules', '@melloware', 'react-logviewer'))) {
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: bench, stdio: 'inherit' });
}
// Inside the repository (build/ is ignored by git) so that the bundle resolves playwright-core and esbuild.
const outfile = join(bench, '..', 'build', 'bench', 'runBench.mjs');
await build({
  entryPoints: [join(bench, 'runBench.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile,
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(bench, 'runBench.ts')).href) },
  logLevel: 'error',
});
await import(pathToFileURL(outfile).href);
