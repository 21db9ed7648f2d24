/**
 * scripts/bundle.mjs' patch of axios' form-data import: axios bundled with the
 * runtime bundle's plugins loads form-data (with mime-db and get-intrinsic)
 * only when it builds a multipart body, and still builds one. A probe marks
 * when form-data's module body runs.
 */
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error scripts/ is plain JavaScript without declarations
import * as runtimeBundle from '../../scripts/bundle.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What the test takes from scripts/bundle.mjs. */
const { BUNDLE_BANNER, bundlePlugins } = runtimeBundle as {
  BUNDLE_BANNER: string;
  bundlePlugins: (root: string) => object[];
};

/** The global the probe sets when form-data's module body runs. */
const MARK = '__icaFormDataRan';

/** Imports axios, reports whether form-data ran, posts a form to argv[2], reports again with the answer. */
const ENTRY = `
import axios from 'axios';
const before = globalThis.${MARK} === true;
const answer = await axios.postForm(process.argv[2], { part: 'value' });
console.log(JSON.stringify({ before, after: globalThis.${MARK} === true, answer: answer.data }));
`;

/** An esbuild plugin that makes form-data's module set {@link MARK} when it runs. */
const probe = {
  name: 'form-data-probe',
  setup(build: { onLoad: (o: { filter: RegExp }, f: (a: { path: string }) => Promise<object>) => void }): void {
    build.onLoad({ filter: /[\\/]form-data[\\/]lib[\\/]form_data\.js$/ }, async (args) => ({
      contents: `globalThis.${MARK} = true;\n${await readFile(args.path, 'utf8')}`,
      loader: 'js',
    }));
  },
};

/** A server answering every request with its content type and body as JSON. */
async function echoServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ type: req.headers['content-type'], body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('scripts/bundle.mjs: axios without form-data until a multipart body', function () {
  this.timeout(60_000);
  let dir = '';
  let echo: { server: Server; url: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bundle-axios-'));
    echo = await echoServer();
  });

  after(async () => {
    echo.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs form-data only when axios posts a form, and the form arrives whole', async () => {
    const esbuild = (await import(createRequire(join(ROOT, 'package.json')).resolve('esbuild'))) as {
      build: (options: object) => Promise<unknown>;
    };
    const outfile = join(dir, 'entry.mjs');
    await esbuild.build({
      stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'js' },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      banner: { js: BUNDLE_BANNER },
      plugins: [probe, ...bundlePlugins(ROOT)],
      logLevel: 'error',
    });

    const { stdout } = await execa(process.execPath, [outfile, echo.url]);
    const report = JSON.parse(stdout) as { before: boolean; after: boolean; answer: { type: string; body: string } };

    expect(report.before, 'form-data ran when axios was imported').to.equal(false);
    expect(report.after, 'form-data did not run for the multipart body').to.equal(true);
    expect(report.answer.type).to.match(/^multipart\/form-data; boundary=/);
    expect(report.answer.body).to.include('Content-Disposition: form-data; name="part"');
    expect(report.answer.body).to.include('value');
  });
});
