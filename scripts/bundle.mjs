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

// Node makes its web globals (fetch, FormData, Request, Response, ReadableStream,
// ...) lazy: the first read loads and initialises node's bundled undici and web
// streams, about 6 MiB and 20 ms on Node 20. axios reads them when it is loaded,
// before the agent's first lookup, for features the agent never uses:
// - axios lib/utils.js keeps globalThis.FormData to recognise native FormData by
//   `instanceof`; without it, isFormData still recognises one by its
//   Symbol.toStringTag ('[object FormData]', the check right after it);
// - axios lib/adapters/fetch.js builds its fetch adapter at module level
//   (`const adapter = getFetch()`, an unused default export; the adapter list
//   asks getFetch() itself, and only when the http adapter is unavailable, never
//   in node), probing fetch, Request, Response and ReadableStream.
// - axios lib/adapters/http.js and lib/helpers/Http2Sessions.js import node's
//   http2 at module level for the http2 transport, used only when a request
//   sets `httpVersion: 2`, which the agent never does; loading http2 (with its
//   nghttp2 binding and assert) costs the idle agent about 0.7 MiB. Both files
//   use only properties of the module (`http2.constants`, `http2.connect`), so
//   a proxy that requires it on the first property read keeps them working.
// - axios lib/platform/node/classes/FormData.js imports form-data, the class
//   axios builds multipart bodies with (`postForm`, a `multipart/form-data`
//   content type), which the agent never sends. form-data brings mime-types with
//   mime-db's 181 KB table, combined-stream and get-intrinsic: importing the
//   patched axios alone took 148 ms with them and 118 ms without (Node 22,
//   compile cache warm, against 83 ms for an empty module), all of it before the
//   first lookup. A proxy of the class requires form-data on the first `new` or
//   property read; esbuild still bundles it, as a CommonJS module whose body
//   runs only then. express loads mime-db for itself after the lookup.
// Each patch must match exactly once, so an axios upgrade that changes these
// lines fails the build instead of silently loading them again.
const LAZY_HTTP2 = "const http2 = new Proxy({}, { get: (_target, key) => require('http2')[key] });";
const LAZY_FORM_DATA =
  "const FormData = new Proxy(function FormData() {}, { construct: (_target, args) => Reflect.construct(require('form-data'), args), get: (_target, key) => require('form-data')[key] });";
const AXIOS_PATCHES = [
  {
    file: /[\\/]axios[\\/]lib[\\/]utils\.js$/,
    find: "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;",
    replace: 'const FormDataCtor = undefined;',
  },
  {
    file: /[\\/]axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/,
    find: 'const adapter = getFetch();',
    replace: 'const adapter = /* @__PURE__ */ getFetch();',
  },
  {
    file: /[\\/]axios[\\/]lib[\\/]adapters[\\/]http\.js$/,
    find: "import http2 from 'http2';",
    replace: LAZY_HTTP2,
  },
  {
    file: /[\\/]axios[\\/]lib[\\/]helpers[\\/]Http2Sessions\.js$/,
    find: "import http2 from 'http2';",
    replace: LAZY_HTTP2,
  },
  {
    file: /[\\/]axios[\\/]lib[\\/]platform[\\/]node[\\/]classes[\\/]FormData\.js$/,
    find: "import FormData from 'form-data';",
    replace: LAZY_FORM_DATA,
  },
];

// The bundle minifies names without esbuild's `keepNames` (which defines `name`
// on every function and class as it is created and cost the idle agent
// 1.7 MiB, bench/README.md "Idle memory"), so a dependency that reads a class's
// own name at run time would read a minified one. The one that does, among the
// bundled dependencies the agent runs: execa lib/return/final-error.js names
// its errors after their classes (`setErrorName(ExecaError, ExecaError.name)`);
// the names are spelled out.
// Everything else that reads a function's or class's `name` only puts it into
// a debug or error message (express' router layers and depd, yaml,
// agent-base), reads node's own functions (unpipe) or names async resources
// (raw-body, on-finished). The agent's own errors declare their names
// (common/errors.ts).
const NAME_PATCHES = [
  {
    file: /[\\/]execa[\\/]lib[\\/]return[\\/]final-error\.js$/,
    find: 'setErrorName(ExecaError, ExecaError.name);',
    replace: "setErrorName(ExecaError, 'ExecaError');",
  },
  {
    file: /[\\/]execa[\\/]lib[\\/]return[\\/]final-error\.js$/,
    find: 'setErrorName(ExecaSyncError, ExecaSyncError.name);',
    replace: "setErrorName(ExecaSyncError, 'ExecaSyncError');",
  },
];

/**
 * An esbuild plugin applying source patches ({@link AXIOS_PATCHES},
 * {@link NAME_PATCHES}): every patch of a file is applied when it loads.
 * @param {{ file: RegExp, find: string, replace: string }[]} patches
 */
function sourcePatches(patches) {
  return {
    name: 'source-patches',
    setup(build) {
      const byFile = new Map();
      for (const patch of patches) byFile.set(patch.file.source, [...(byFile.get(patch.file.source) ?? []), patch]);
      for (const filePatches of byFile.values()) {
        build.onLoad({ filter: filePatches[0].file }, async (args) => {
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

// Modules the bundle takes from the project instead of node_modules, by the
// specifier the dependencies require. iconv-lite: body-parser and raw-body
// (loaded with express, though the agent reads request bodies itself) require
// it for three calls that common/text/iconv-lite-shim.ts answers with node's
// TextDecoder; iconv-lite's encoding tables were 479 KB of the API chunk.
const SHIMS = {
  'iconv-lite': 'common/text/iconv-lite-shim.ts',
};

/**
 * An esbuild plugin resolving the {@link SHIMS}' specifiers to their files.
 * @param {string} root - the project root
 */
function shims(root) {
  return {
    name: 'shims',
    setup(build) {
      for (const [specifier, file] of Object.entries(SHIMS)) {
        const filter = new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
        build.onResolve({ filter }, () => ({ path: join(root, file) }));
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
const BUILTIN_NAMESPACE = 'node-builtin';

/** An esbuild plugin loading node's built-in modules with `require` where the code `import`s them. */
function builtinsThroughRequire() {
  return {
    name: 'builtins-through-require',
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z0-9_]+(\/[a-z0-9_]+)?$/ }, (args) => {
        if (args.kind !== 'import-statement' || !isBuiltin(args.path)) return undefined;
        const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
        return { path: name, namespace: BUILTIN_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * The esbuild plugins of the runtime bundle: the source patches, the shims and
 * built-ins through require. Exported for tests that bundle a dependency as
 * the runtime bundle does.
 * @param {string} root - the project root
 */
export function bundlePlugins(root) {
  return [sourcePatches([...AXIOS_PATCHES, ...NAME_PATCHES]), shims(root), builtinsThroughRequire()];
}

/** The banner every output file starts with (a real `require`). */
export const BUNDLE_BANNER = REQUIRE_BANNER;

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
    // No `keepNames`: see NAME_PATCHES. Stack traces show minified names;
    // NODE_OPTIONS=--enable-source-maps maps them back.
    sourcemap: 'linked',
    // Third-party licence comments go into one file per output instead of the code.
    legalComments: 'linked',
    banner: { js: REQUIRE_BANNER },
    plugins: bundlePlugins(root),
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}
