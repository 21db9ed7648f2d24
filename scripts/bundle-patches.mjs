// The source patches of the runtime bundle (scripts/bundle.mjs): lines of the
// bundled dependencies changed as esbuild loads them, each to keep work the
// agent never needs out of its start (bench/README.md, issue 12).
// Each patch must match exactly once, so a dependency upgrade that changes a
// patched line fails the build instead of silently undoing the patch.
import { deferredRequirePath } from './bundle-deferred.mjs';

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
//   property read.
// - axios lib/adapters/http.js imports https-proxy-agent (with agent-base and
//   two copies of debug) for HTTPS requests through a proxy, the only place it
//   builds or tests one (`new HttpsProxyAgent`, `instanceof HttpsProxyAgent`);
//   it is required on the first such request.
const LAZY_HTTP2 = "const http2 = new Proxy({}, { get: (_target, key) => require('http2')[key] });";

/**
 * `const <name> = …`: a stand-in for a module's default export (a function or
 * class) that requires `specifier` on the first call, `new` or property read,
 * `instanceof` included (it reads `prototype`). The module is bundled into a
 * file of its own (scripts/bundle-deferred.mjs), compiled only then.
 * @param {string} name
 * @param {string} specifier
 */
function lazyExport(name, specifier) {
  const load = `require(${JSON.stringify(deferredRequirePath(specifier))})`;
  return (
    `const ${name} = new Proxy(function ${name}() {}, { apply: (_target, self, args) => Reflect.apply(${load}, self, args), ` +
    `construct: (_target, args) => Reflect.construct(${load}, args), get: (_target, key) => ${load}[key] });`
  );
}

export const AXIOS_PATCHES = [
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
    replace: lazyExport('FormData', 'form-data'),
  },
  {
    file: /[\\/]axios[\\/]lib[\\/]adapters[\\/]http\.js$/,
    find: "import HttpsProxyAgent from 'https-proxy-agent';",
    replace: lazyExport('HttpsProxyAgent', 'https-proxy-agent'),
  },
];

// Other dependencies' modules loaded with the agent for work it never does:
// - winston's exception and rejection handlers create a debug logger of
//   @dabh/diagnostics, whose namespace modifier (modifiers/namespace-ansi.js)
//   requires @so-ric/colorspace to colour a namespace when a diagnostics
//   message is written, which happens only with diagnostics enabled (`DEBUG`);
//   evaluating colorspace took 6.5 ms of the agent's start before its first
//   lookup (Node 22). It is required on its first call.
// - express' type-is (`req.is`, the body parsers) and accepts (`req.accepts`)
//   require mime-types, and with it mime-db's table of 2,279 types, to
//   turn a file extension into a media type; the agent's API calls neither (it
//   reads bodies itself and answers JSON only), yet loading them raised the idle
//   agent's peak by 1.6 MiB (Node 22). mime-types is required on first use.
// - send requires mime (version 1, with its own table of types), which express
//   uses to turn an extension into a media type (`res.type('json')`, redirects,
//   `sendFile`) and to find the charset of a Content-Type set without one. The
//   agent sets its one Content-Type with the charset (agent/api/faults.ts), so
//   only a redirect needs the table; it is required on first use.
export const LAZY_PATCHES = [
  {
    file: /[\\/]@dabh[\\/]diagnostics[\\/]modifiers[\\/]namespace-ansi\.js$/,
    find: "var colorspace = require('@so-ric/colorspace');",
    replace: lazyExport('colorspace', '@so-ric/colorspace'),
  },
  {
    file: /[\\/]send[\\/]index\.js$/,
    find: "var mime = require('mime')",
    replace: lazyExport('mime', 'mime'),
  },
  {
    file: /[\\/]type-is[\\/]index\.js$/,
    find: "var mime = require('mime-types')",
    replace: lazyExport('mime', 'mime-types'),
  },
  {
    file: /[\\/]accepts[\\/]index\.js$/,
    find: "var mime = require('mime-types')",
    replace: lazyExport('mime', 'mime-types'),
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
export const NAME_PATCHES = [
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
