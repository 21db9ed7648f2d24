// node scripts/warm-compile-cache.mjs BUNDLE_DIR CACHE_DIR: fill Node's module
// compile cache (Node 22.1+) in CACHE_DIR with the compiled code of every ES
// module of the bundle in BUNDLE_DIR (cli.mjs and chunks/*.mjs), the way the
// agent loads them. The CommonJS files in chunks/deferred/ are left out: the
// agent requires them only on a first use it rarely has (scripts/bundle-deferred.mjs),
// and requiring them here would run them.
//
// The image's build stage runs it on the bundle at its path in the image, and
// the image sets NODE_COMPILE_CACHE=CACHE_DIR, so the agent finds its code
// compiled from its very first start: a cache made at run time in the
// container's /tmp is lost with the container, and every boot of a live ISO
// is a first start. Node keys each entry by the file's absolute path and
// content, and V8 accepts an entry only under the V8 flags and CPU features it
// was made with (https://nodejs.org/api/module.html#module-compile-cache). So
// cli.mjs and its static imports are compiled here before prepareRuntime()
// sets the agent's V8 flags and every chunk after, as in the agent; a chunk
// compiled under other flags is rejected. On a CPU with other features than
// the build machine's, node looks in another directory, finds nothing and
// compiles as it would without the cache.
//
// Importing a chunk only evaluates its module body (bundled libraries and
// declarations; cli.mjs and healthcheck.mjs run only as the entry point).
// test/container/image.test.ts checks that the agent accepts every entry.
import * as nodeModule from 'node:module';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bundle, cache] = process.argv.slice(2);
if (bundle === undefined || cache === undefined) {
  process.stderr.write('usage: node scripts/warm-compile-cache.mjs BUNDLE_DIR CACHE_DIR\n');
  process.exit(2);
}
if (nodeModule.enableCompileCache === undefined) {
  process.stderr.write(`warm-compile-cache: node ${process.version} has no compile cache; nothing to do\n`);
  process.exit(0);
}
// Enabled here rather than through NODE_COMPILE_CACHE, so this script stays out of the cache.
const enabled = nodeModule.enableCompileCache(resolve(cache));
if (enabled.directory === undefined) {
  process.stderr.write(`warm-compile-cache: node could not enable its compile cache: ${enabled.message}\n`);
  process.exit(1);
}
const dir = resolve(bundle);
const { prepareRuntime } = await import(pathToFileURL(join(dir, 'cli.mjs')).href);
prepareRuntime();
const chunks = (await readdir(join(dir, 'chunks'))).filter((name) => name.endsWith('.mjs')).sort();
for (const chunk of chunks) await import(pathToFileURL(join(dir, 'chunks', chunk)).href);
nodeModule.flushCompileCache?.();
process.stdout.write(`warm-compile-cache: ${chunks.length + 1} modules of ${dir} compiled into ${enabled.directory}\n`);
