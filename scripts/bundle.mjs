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
import { readFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { bundleDeferred, checkSameResolution, deferredExternal, deferredSpecifiersIn } from './bundle-deferred.mjs';
import { AXIOS_PATCHES, LAZY_PATCHES, NAME_PATCHES } from './bundle-patches.mjs';
import { readableStreamFromNode, shims } from './bundle-shims.mjs';

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
export const REQUIRE_BANNER =
  "import { createRequire as __icaCreateRequire } from 'node:module'; const require = __icaCreateRequire(import.meta.url);";

/**
 * An esbuild plugin applying source patches (scripts/bundle-patches.mjs):
 * every patch of a file is applied when it loads.
 * @param {{ file: RegExp, find: string, replace: string }[]} patches
 */
function sourcePatches(patches) {
  return {
    name: 'source-patches',
    setup(build) {
      const byFile = new Map();
      for (const patch of patches) byFile.set(patch.file.source, [...(byFile.get(patch.file.source) ?? []), patch]);
      for (const filePatches of byFile.values()) {
        // Files only: a built-in's stand-in is named after its importer, which a patch's filter can match.
        build.onLoad({ filter: filePatches[0].file, namespace: 'file' }, async (args) => {
          let text = await readFile(args.path, 'utf8');
          for (const patch of filePatches) {
            if (text.split(patch.find).length !== 2)
              throw new Error(
                `${args.path} no longer holds \`${patch.find}\` exactly once: review the patches in scripts/bundle.mjs for this version`,
              );
            text = text.replace(patch.find, patch.replace);
          }
          return { contents: text, loader: 'js' };
        });
      }
    },
  };
}

// Node's built-in modules are loaded through `require`, never through ESM
// `import`. For an imported built-in, node builds an ES module facade that
// reads every export of the module once (node lib/internal/bootstrap/realm.js,
// getESMFacade and syncExports), and reading an export can load more: on
// Node 22, `http`'s WebSocket, CloseEvent and MessageEvent getters load the
// whole of node's bundled undici (and http2 with it), about 30 ms of the agent's
// start; the facades of `util`, `fs` and `process` load 30-40 modules each that
// `require` does not. `require` returns the module itself, whose getters run
// only when read. The CommonJS dependencies already require their built-ins;
// this plugin turns every `import` of a built-in (the agent's own, execa's,
// axios') into the same `require`, through a one-line CommonJS module that
// esbuild's interop wraps as the import expects (the default export is the
// module itself, as in node). That interop copies each export's descriptor,
// which on Node 22 still runs the lazy exports of `util` (util.diff and
// others: about ten modules, worker_threads among them) and `fs`; a wrapper
// of accessors avoided those for 0.2 MiB but handed the code a copy of the
// module instead of the module, so it was not kept (bench/README.md, "Built-in
// modules through require").
// Each importing file gets a one-line module of its own: one shared by all
// the importers would be shared by chunks that esbuild's splitting keeps
// apart, and would become a chunk of its own, a file node resolves, reads and
// links before it runs the code (a dozen of them before the first lookup).
// Owned by its importer, it goes into the importer's chunk. Its path names the
// built-in and the importer, relative to the project so the build does not
// depend on where the checkout is.
const BUILTIN_NAMESPACE = 'node-builtin';

/**
 * An esbuild plugin loading node's built-in modules with `require` where the code `import`s them.
 * @param {string} root - the project root
 */
function builtinsThroughRequire(root) {
  return {
    name: 'builtins-through-require',
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z0-9_]+(\/[a-z0-9_]+)?$/ }, (args) => {
        if (args.kind !== 'import-statement' || !isBuiltin(args.path)) return undefined;
        const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
        return { path: `${name}?from=${relative(root, args.importer)}`, namespace: BUILTIN_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path.slice(0, args.path.indexOf('?')))});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * The esbuild plugins of the runtime bundle: the source patches, the shims
 * (scripts/bundle-shims.mjs) and built-ins through require. Exported for
 * tests that bundle a dependency as the runtime bundle does.
 * @param {string} root - the project root
 */
export function bundlePlugins(root) {
  return [
    sourcePatches([...AXIOS_PATCHES, ...LAZY_PATCHES, ...NAME_PATCHES]),
    shims(root),
    readableStreamFromNode(),
    builtinsThroughRequire(root),
    deferredExternal(),
  ];
}

/** A metafile input of a plugin's namespace (`namespace:path`) rather than a file of the project. */
const NAMESPACED_INPUT = /^[\w-]+:/;

/** The chunks' directory in the output: the deferred modules go next to the chunks that require them. */
const CHUNKS = 'chunks';

/**
 * Throw unless every file a patch defers a module from went into a chunk (the
 * deferred files are written next to the chunks) and would itself resolve the
 * module to the file its deferred file is bundled from.
 * @param {import('esbuild').Metafile} metafile
 * @param {string} root - the project root
 */
function checkDeferringFiles(metafile, root) {
  const patched = [...AXIOS_PATCHES, ...LAZY_PATCHES].filter((p) => deferredSpecifiersIn(p.replace).length > 0);
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    // Files only: a built-in's stand-in (`node-builtin:node:http?from=<importer>`) is named after its importer.
    for (const input of Object.keys(inputs).filter((i) => !NAMESPACED_INPUT.test(i))) {
      for (const patch of patched.filter((p) => p.file.test(input))) {
        if (!output.split('/').includes(CHUNKS))
          throw new Error(`${input} went into ${output}, outside ${CHUNKS}/: its deferred modules would not resolve`);
        for (const specifier of deferredSpecifiersIn(patch.replace))
          checkSameResolution(root, join(root, input), specifier);
      }
    }
  }
}

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
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // package.json's engines: ^20.19.0 || >=22.0.0
    target: 'node20',
    minify: true,
    // No `keepNames`: see NAME_PATCHES (bundle-patches.mjs). Stack traces show minified names;
    // NODE_OPTIONS=--enable-source-maps maps them back.
    sourcemap: 'linked',
    // Third-party licence comments go into one file per output instead of the code.
    legalComments: 'linked',
    banner: { js: REQUIRE_BANNER },
    plugins: bundlePlugins(root),
    metafile: true,
    logLevel: 'warning',
  });
  checkDeferringFiles(result.metafile, root);
  const deferred = await bundleDeferred(esbuild, root, join(outdir, CHUNKS));
  return {
    inputs: { ...result.metafile.inputs, ...deferred.inputs },
    outputs: { ...result.metafile.outputs, ...deferred.outputs },
  };
}
