// Modules the runtime bundle (scripts/bundle.mjs) takes from elsewhere than
// the dependency that asks for them, each to keep work or code the agent never
// needs out of its start (bench/README.md, issue 12).
import { join } from 'node:path';
import { exactSpecifierFilter } from './bundle-deferred.mjs';

// Modules taken from the project instead of node_modules, by the specifier the
// dependencies require. iconv-lite: body-parser and raw-body (loaded with
// express, though the agent reads request bodies itself) require it for three
// calls that common/text/iconv-lite-shim.ts answers with node's TextDecoder;
// iconv-lite's encoding tables were 479 KB of the API chunk.
export const SHIMS = {
  'iconv-lite': 'common/text/iconv-lite-shim.ts',
};

/**
 * An esbuild plugin resolving the {@link SHIMS}' specifiers to their files.
 * @param {string} root - the project root
 */
export function shims(root) {
  return {
    name: 'shims',
    setup(build) {
      for (const [specifier, file] of Object.entries(SHIMS)) {
        build.onResolve({ filter: exactSpecifierFilter(specifier) }, () => ({ path: join(root, file) }));
      }
    },
  };
}

// readable-stream 3 is a copy of node 10's streams for old node releases;
// winston (its logger is a Transform, its exception and rejection streams
// Writables) and winston-transport (every transport is a Writable) require it.
// Its index already switches to node's own `stream` when READABLE_STREAM is
// `disable` (readable-stream readable.js), and its README points node-only
// code to the core module. The bundle gives them node's classes directly:
// readable-stream, with string_decoder, safe-buffer and util-deprecate under
// it, was 41 KB of the chunk the agent compiles before its first lookup.
// Each specifier maps to what it exports; the members are exactly those the
// importers destructure (winston lib/winston/logger.js, exception-stream.js,
// rejection-stream.js, transports/*.js, tail-file.js). Any other specifier, or
// an importer outside these two packages, fails the build: a new user of
// readable-stream is checked before it gets node's streams.
export const NODE_STREAM_SHIMS = {
  'readable-stream':
    "const stream = require('node:stream'); module.exports = { Stream: stream.Stream, Readable: stream.Readable, Writable: stream.Writable, Duplex: stream.Duplex, Transform: stream.Transform, PassThrough: stream.PassThrough };",
  'readable-stream/lib/_stream_writable.js': "module.exports = require('node:stream').Writable;",
};

/** Files of the packages allowed to get node's streams for readable-stream (not of a package nested in them). */
const NODE_STREAM_IMPORTERS = /[\\/]node_modules[\\/](winston|winston-transport)[\\/](?:(?!node_modules[\\/]).)*$/;

const NODE_STREAM_NAMESPACE = 'node-stream-shim';

/** An esbuild plugin resolving readable-stream to node's `stream` ({@link NODE_STREAM_SHIMS}). */
export function readableStreamFromNode() {
  return {
    name: 'readable-stream-from-node',
    setup(build) {
      build.onResolve({ filter: /^readable-stream(\/.*)?$/ }, (args) => {
        if (!(args.path in NODE_STREAM_SHIMS) || !NODE_STREAM_IMPORTERS.test(args.importer))
          throw new Error(
            `${args.importer} requires ${args.path}, which scripts/bundle-shims.mjs does not map to node's streams: check what it uses and add it there`,
          );
        return { path: args.path, namespace: NODE_STREAM_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NODE_STREAM_NAMESPACE }, (args) => ({
        contents: NODE_STREAM_SHIMS[args.path],
        loader: 'js',
      }));
    },
  };
}
