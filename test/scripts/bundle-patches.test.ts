/**
 * scripts/bundle-patches.mjs' lazy loads: a dependency bundled with the runtime
 * bundle's plugins must not hold the module a patch defers (it goes into a file
 * of its own, scripts/bundle-deferred.mjs), must not run it when it is
 * imported, and must still run it, and work, when the code needs it. A probe
 * plugin marks when the deferred module's body runs.
 */
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error scripts/ is plain JavaScript without declarations
import * as deferredBundle from '../../scripts/bundle-deferred.mjs';
import { bundleEntry, loadEsbuild, ROOT, type Esbuild } from '../helpers/runtime-bundle.js';

/** What the test takes from scripts/bundle-deferred.mjs. */
const { bundleDeferred } = deferredBundle as {
  bundleDeferred: (esbuild: object, root: string, dir: string, plugins: object[]) => Promise<unknown>;
};

/** The global the probe sets when the deferred module's body runs. */
const MARK = '__icaDeferredRan';

/**
 * One lazy load: the deferred module's file, and an entry (ESM, run with the
 * URL of {@link echoServer} as argv[2]) that sets `before` once it has used
 * the importer as the agent does before its first lookup (axios: a plain GET),
 * then needs the module and prints `{ before, after, ...what it saw }`.
 */
interface Case {
  title: string;
  file: RegExp;
  entry: string;
  env?: Record<string, string>;
  check(report: Record<string, unknown>): void;
}

const REPORT = `const report = (seen) => console.log(JSON.stringify({ before, after: globalThis.${MARK} === true, ...seen }));`;

/**
 * An express app answering JSON as the agent does (its Content-Type with the
 * charset, agent/api/faults.ts), then a redirect, which negotiates a text body
 * (accepts, hence mime-types) and names its type from an extension (send's mime).
 */
const EXPRESS_ENTRY = `import express from 'express';
const app = express();
app.get('/json', (req, res) => res.status(200).set('Content-Type', 'application/json; charset=utf-8').send('{}'));
app.get('/v1', (req, res) => res.redirect(308, '/v1/'));
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.on('listening', resolve));
const base = 'http://127.0.0.1:' + server.address().port;
const json = await fetch(base + '/json');
const before = globalThis.${MARK} === true;
${REPORT}
const redirect = await fetch(base + '/v1', { redirect: 'manual' });
report({
  json: json.headers.get('content-type'),
  status: redirect.status,
  type: redirect.headers.get('content-type'),
  location: redirect.headers.get('location'),
});
server.close();`;

/** What {@link EXPRESS_ENTRY} must see, whichever of its deferred modules is probed. */
function checkExpress(report: Record<string, unknown>): void {
  expect(report).to.deep.include({
    json: 'application/json; charset=utf-8',
    status: 308,
    type: 'text/plain; charset=utf-8',
    location: '/v1/',
  });
}

const CASES: Case[] = [
  {
    title: 'form-data: only when axios posts a form, and the form arrives whole',
    file: /[\\/]form-data[\\/]lib[\\/]form_data\.js$/,
    entry: `import axios from 'axios';
await axios.get(process.argv[2]);
const before = globalThis.${MARK} === true;
${REPORT}
report({ answer: (await axios.postForm(process.argv[2], { part: 'value' })).data });`,
    check(report) {
      const answer = report['answer'] as { type: string; body: string };
      expect(answer.type).to.match(/^multipart\/form-data; boundary=/);
      expect(answer.body).to.include('Content-Disposition: form-data; name="part"');
      expect(answer.body).to.include('value');
    },
  },
  {
    title: 'https-proxy-agent: only for an HTTPS request through a proxy, which it tunnels with CONNECT',
    file: /[\\/]https-proxy-agent[\\/]dist[\\/]agent\.js$/,
    entry: `import axios from 'axios';
await axios.get(process.argv[2]);
const before = globalThis.${MARK} === true;
${REPORT}
const proxy = new URL(process.argv[2]);
const error = await axios
  .get('https://node.example.invalid:6385/v1', { proxy: { protocol: 'http', host: proxy.hostname, port: Number(proxy.port) } })
  .then(() => null, (e) => e.message);
report({ error, connects: (await axios.get(process.argv[2] + 'connects')).data });`,
    check(report) {
      expect(report['error']).to.be.a('string');
      expect(report['connects']).to.deep.equal(['node.example.invalid:6385']);
    },
  },
  {
    title: "@so-ric/colorspace: only when winston's diagnostics write a coloured namespace",
    file: /[\\/]@so-ric[\\/]colorspace[\\/]dist[\\/]index\.cjs\.js$/,
    env: { DEBUG: 'probe' },
    entry: `import winston from 'winston';
import diagnostics from '@dabh/diagnostics';
winston.createLogger({ transports: [new winston.transports.Console({ handleExceptions: true })] });
const before = globalThis.${MARK} === true;
${REPORT}
const lines = [];
const log = console.log;
console.log = (...args) => lines.push(args.join(' '));
diagnostics('probe', { colors: true })('hello');
console.log = log;
report({ lines });`,
    check(report) {
      expect((report['lines'] as string[]).join('')).to.match(/\u001b\[[0-9;]*mprobe:.*hello/);
    },
  },
  {
    title: "mime-types: only when express negotiates a type (a redirect's body), not for the agent's JSON answers",
    file: /[\\/]mime-types[\\/]index\.js$/,
    entry: EXPRESS_ENTRY,
    check: checkExpress,
  },
  {
    title: "send's mime: only when express names a type by its extension, not for a Content-Type with its charset",
    file: /[\\/]node_modules[\\/]mime[\\/]mime\.js$/,
    entry: EXPRESS_ENTRY,
    check: checkExpress,
  },
];

/** An esbuild plugin that makes the module at `file` set {@link MARK} when its body runs. */
function probe(file: RegExp): object {
  return {
    name: 'deferred-module-probe',
    setup(build: { onLoad: (o: { filter: RegExp }, f: (a: { path: string }) => Promise<object>) => void }): void {
      build.onLoad({ filter: file }, async (args) => ({
        contents: `globalThis.${MARK} = true;\n${await readFile(args.path, 'utf8')}`,
        loader: 'js',
      }));
    },
  };
}

/**
 * A server that answers a request with its content type and body as JSON,
 * `GET /connects` with the targets of the CONNECT requests it got, and every
 * CONNECT with 502 (an HTTP proxy that refuses to tunnel).
 */
async function echoServer(): Promise<{ server: Server; url: string }> {
  const connects: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const body = Buffer.concat(chunks).toString();
      res.end(JSON.stringify(req.url === '/connects' ? connects : { type: req.headers['content-type'], body }));
    });
  });
  server.on('connect', (req, socket) => {
    connects.push(req.url ?? '');
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('scripts/bundle-patches.mjs: modules loaded on first use', function () {
  this.timeout(60_000);
  let dir = '';
  let esbuild: Esbuild;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bundle-patches-'));
    esbuild = await loadEsbuild();
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [index, testCase] of CASES.entries()) {
    it(testCase.title, async () => {
      const echo = await echoServer();
      try {
        const outfile = join(dir, `entry-${index}.mjs`);
        const { metafile } = await bundleEntry(esbuild, testCase.entry, outfile);
        await bundleDeferred(esbuild, ROOT, dir, [probe(testCase.file)]);
        expect(Object.keys(metafile.inputs).filter((input) => testCase.file.test(input))).to.deep.equal([]);

        const { stdout } = await execa(process.execPath, [outfile, echo.url], { env: testCase.env ?? {} });
        const report = JSON.parse(stdout) as Record<string, unknown>;

        expect(report['before'], 'the module ran when its importer was loaded').to.equal(false);
        expect(report['after'], 'the module did not run when it was needed').to.equal(true);
        testCase.check(report);
      } finally {
        echo.server.close();
      }
    });
  }
});
