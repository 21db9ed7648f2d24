/**
 * Bundle one entry as scripts/bundle.mjs bundles the runtime (ESM for node,
 * the same banner and plugins), for tests that check what those plugins do to
 * a dependency without building the whole agent.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error scripts/ is plain JavaScript without declarations
import * as runtimeBundle from '../../scripts/bundle.mjs';

/** The project root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What the tests take from scripts/bundle.mjs. */
const { REQUIRE_BANNER, bundlePlugins } = runtimeBundle as {
  REQUIRE_BANNER: string;
  bundlePlugins: (root: string) => object[];
};

/** The part of esbuild's API the tests use. */
export interface Esbuild {
  build(options: object): Promise<{ metafile: { inputs: object } }>;
}

/** esbuild, resolved from the project as scripts/bundle.mjs resolves it. */
export async function loadEsbuild(): Promise<Esbuild> {
  return (await import(createRequire(join(ROOT, 'package.json')).resolve('esbuild'))) as Esbuild;
}

/**
 * Bundle `contents` (an ES module resolved from the project root) into
 * `outfile` with the runtime bundle's plugins. Rejects with esbuild's errors,
 * a plugin's among them.
 */
export function bundleEntry(
  esbuild: Esbuild,
  contents: string,
  outfile: string,
  logLevel: 'error' | 'silent' = 'error',
): Promise<{ metafile: { inputs: object } }> {
  return esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: REQUIRE_BANNER },
    plugins: bundlePlugins(ROOT),
    metafile: true,
    logLevel,
  });
}
