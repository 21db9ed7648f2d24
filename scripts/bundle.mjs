// The runtime bundle `npm run build` writes next to tsc's output: the CLI and the
// container's health check as minified ESM in dist/bundle/, every dependency
// inside, with source maps. Node then parses a few files instead of resolving
// and loading some 700 modules, which is most of the agent's start time
// (bench/README.md, "Start and memory").
//
// Dynamic imports stay dynamic: with `splitting`, esbuild puts each lazily
// imported subtree (express and the API, the X.509 generator, the ISO and
// Ignition subcommands, the inspection collectors) into its own chunk, loaded
// only when the code asks for it (https://esbuild.github.io/api/#splitting).
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Entry points: output name (without extension) → source. */
export const BUNDLE_ENTRIES = {
  cli: 'cli/index.ts',
  healthcheck: 'container/healthcheck.ts',
};

// The CommonJS dependencies (express, winston, axios' node build, ...) call
// require() for node's built-ins. An ESM output has no `require`, and esbuild's
// shim then throws "Dynamic require of "fs" is not supported"
// (https://github.com/evanw/esbuild/issues/1921); every output file gets a real
// one. The alias keeps the import from colliding with bundled names.
const REQUIRE_BANNER =
  "import { createRequire as __icaCreateRequire } from 'node:module'; const require = __icaCreateRequire(import.meta.url);";

// axios probes its fetch adapter when it is loaded (axios lib/adapters/fetch.js,
// called at module level through getFetch()): with a global `fetch` it builds a
// TextEncoder, a ReadableStream, a Request and a Response to test stream
// support, which loads and initialises node's web streams and fetch classes:
// about 3 MiB of the idle agent's peak memory, for an adapter the agent never
// uses (axios takes its http adapter in node; nothing else in the bundle reads
// the global). Bundled code sees no global fetch, so the probe stops at
// `typeof fetch`; the global itself is untouched. (axios still reads
// globalThis.FormData, which loads undici's module, but builds nothing.)
const NO_GLOBAL_FETCH = { fetch: 'undefined' };

/**
 * Bundle the entries into `outdir` (emptied first by the caller's rm of dist/).
 * @param {string} root - the project root
 * @param {string} outdir - where cli.mjs, healthcheck.mjs, chunks/ and the .map files go
 * @returns {Promise<import('esbuild').Metafile>} what went into each output
 */
export async function bundle(root, outdir) {
  // esbuild is a devDependency: resolved from the project, as tsc is.
  const esbuild = await import(createRequire(join(root, 'package.json')).resolve('esbuild'));
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.entries(BUNDLE_ENTRIES).map(([out, src]) => ({ in: src, out })),
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // package.json's engines: ^20.19.0 || >=22.0.0
    target: 'node20',
    minify: true,
    // Class and function names stay readable in stack traces and in
    // `error.name`-style checks (the agent reports error class names to Ironic).
    keepNames: true,
    sourcemap: 'linked',
    // Third-party licence comments go into one file per output instead of the code.
    legalComments: 'linked',
    banner: { js: REQUIRE_BANNER },
    define: NO_GLOBAL_FETCH,
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}
