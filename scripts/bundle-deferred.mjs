// The modules the runtime bundle's patches defer to their first use
// (scripts/bundle-patches.mjs), each bundled on its own as a CommonJS file in
// `deferred/`, next to the chunks that require it.
//
// Bundled inside a chunk, a deferred module's body runs only on first use, but
// node still reads and compiles its whole text with the chunk: V8 must at least
// pre-parse every function of an ES module before it can link it. form-data
// (with mime-db's table), https-proxy-agent (with agent-base and debug) and
// @so-ric/colorspace were 209 KB of the 644 KB the agent compiled before its
// first lookup, about 23 ms of the start on Node 20, which has no compile
// cache (bench/README.md, "Modules deferred to first use"). A `require` of a
// file of its own compiles nothing until it runs. Each file is a complete
// bundle of its module, except that it requires the other deferred files for
// the deferred modules it needs: the agent's chunks share no code with it, and
// the modules it brings along (debug, get-intrinsic) run in it only when it is
// required, which the agent never does on its way to a lookup.
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Where the deferred files go, relative to the files that require them. */
const DIR = 'deferred';

/** Deferred module specifier → its file's name in {@link DIR}. */
const DEFERRED_MODULES = {
  'form-data': 'form-data.cjs',
  'https-proxy-agent': 'https-proxy-agent.cjs',
  '@so-ric/colorspace': 'colorspace.cjs',
  'mime-types': 'mime-types.cjs',
  mime: 'mime.cjs',
};

/**
 * The specifier the patched code requires a deferred module by: its file,
 * relative to the chunks. The require goes through esbuild's `__require`
 * helper, which calls the `require` of the banner of the chunk that holds the
 * helper; that resolves from the helper chunk's URL, in the same directory as
 * every chunk (scripts/bundle.mjs checks the patched files went into chunks).
 * @param {string} specifier - a key of {@link DEFERRED_MODULES}
 */
export function deferredRequirePath(specifier) {
  const file = DEFERRED_MODULES[specifier];
  if (file === undefined) throw new Error(`${specifier} is not a deferred module (scripts/bundle-deferred.mjs)`);
  return `./${DIR}/${file}`;
}

/**
 * The deferred modules whose files `text` (a patch's replacement) requires.
 * @param {string} text
 * @returns {string[]}
 */
export function deferredSpecifiersIn(text) {
  return Object.keys(DEFERRED_MODULES).filter((specifier) => text.includes(`"${deferredRequirePath(specifier)}"`));
}

/**
 * Throw unless `specifier` resolves from `importer` to the file it resolves to
 * from the project root, which is where the deferred file is bundled from: a
 * dependency with its own nested copy would otherwise get another version.
 * @param {string} root - the project root
 * @param {string} importer - the absolute path of the file that requires it
 * @param {string} specifier
 */
export function checkSameResolution(root, importer, specifier) {
  const fromImporter = createRequire(importer).resolve(specifier);
  const fromRoot = createRequire(join(root, 'package.json')).resolve(specifier);
  if (fromImporter !== fromRoot)
    throw new Error(
      `${importer} requires ${specifier} from ${fromImporter}, but its deferred file is bundled from ${fromRoot}: ` +
        'review scripts/bundle-deferred.mjs for this dependency tree',
    );
}

/**
 * An esbuild `onResolve` filter matching exactly `specifier`.
 * @param {string} specifier - a module specifier such as `mime-types` or `@so-ric/colorspace`
 */
export function exactSpecifierFilter(specifier) {
  return new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
}

/** An esbuild plugin keeping the requires of the deferred files as they are, unbundled. */
export function deferredExternal() {
  const paths = new Set(Object.keys(DEFERRED_MODULES).map(deferredRequirePath));
  return {
    name: 'deferred-external',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^\\./${DIR}/`) }, (args) =>
        paths.has(args.path) ? { path: args.path, external: true } : undefined,
      );
    },
  };
}

/**
 * An esbuild plugin for the deferred files themselves: a deferred module that
 * requires another (form-data requires mime-types) requires its file, next to
 * its own, instead of holding a second copy.
 */
function deferredSiblings(root) {
  return {
    name: 'deferred-siblings',
    setup(build) {
      for (const [specifier, file] of Object.entries(DEFERRED_MODULES)) {
        build.onResolve({ filter: exactSpecifierFilter(specifier) }, (args) => {
          checkSameResolution(root, args.importer, specifier);
          return { path: `./${file}`, external: true };
        });
      }
    },
  };
}

/**
 * Bundle every deferred module into `<dir>/deferred/`, minified CommonJS with
 * source maps, resolved from the project root (the bundle checks that every
 * importer resolves it to the same file: {@link checkSameResolution}).
 * @param {{ build: (options: object) => Promise<{ metafile: object }> }} esbuild
 * @param {string} root - the project root
 * @param {string} dir - the directory of the output files that require them
 * @param {object[]} [plugins] - more esbuild plugins (tests add a probe)
 * @returns {Promise<import('esbuild').Metafile>}
 */
export async function bundleDeferred(esbuild, root, dir, plugins = []) {
  const resolve = createRequire(join(root, 'package.json')).resolve;
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.entries(DEFERRED_MODULES).map(([specifier, file]) => ({
      in: resolve(specifier),
      out: file.replace(/\.cjs$/, ''),
    })),
    outdir: join(dir, DIR),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    plugins: [...plugins, deferredSiblings(root)],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}
