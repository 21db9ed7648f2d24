/**
 * scripts/bundle-shims.mjs: winston bundled with the runtime bundle's plugins
 * runs on node's own streams instead of readable-stream, and still logs as it
 * did: every line through a custom transport (as the agent's in-memory log),
 * a stream transport and the console, in order, with backpressure (more lines
 * than a stream buffers, written by transports that finish each write later).
 * A module other than winston's that asks for readable-stream fails the build.
 */
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleEntry, loadEsbuild, type Esbuild } from '../helpers/runtime-bundle.js';

/** Lines logged: more than the 16 objects a stream buffers, so writes wait for the transports. */
const LINES = 100;

/** A logger as agent/logger.ts builds one, logging {@link LINES} lines; prints what arrived where. */
const WINSTON_ENTRY = `import stream from 'node:stream';
import winston from 'winston';
import Transport from 'winston-transport';
class Memory extends Transport {
  entries = [];
  log(info, next) { this.entries.push(info.message); setImmediate(next); }
}
const memory = new Memory();
const written = [];
const sink = new stream.Writable({ write(chunk, _encoding, done) { written.push(String(chunk).trim()); setImmediate(done); } });
const logger = winston.createLogger({
  format: winston.format.printf((info) => info.level + ' ' + info.message),
  transports: [memory, new winston.transports.Stream({ stream: sink }), new winston.transports.Console({ stderrLevels: ['info'] })],
});
for (let i = 0; i < ${LINES}; i++) logger.info('line ' + i);
for (let waited = 0; (memory.entries.length < ${LINES} || written.length < ${LINES}) && waited < 5000; waited += 10)
  await new Promise((resolve) => setTimeout(resolve, 10));
console.log(JSON.stringify({
  nodeStreams: logger instanceof stream.Transform && memory instanceof stream.Writable,
  memory: memory.entries,
  written,
}));`;

describe('scripts/bundle-shims.mjs: readable-stream from node', function () {
  this.timeout(60_000);
  let dir = '';
  let esbuild: Esbuild;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bundle-shims-'));
    esbuild = await loadEsbuild();
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("logs every line, in order, through winston's transports on node's streams", async () => {
    const outfile = join(dir, 'winston.mjs');
    const { metafile } = await bundleEntry(esbuild, WINSTON_ENTRY, outfile);
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((input) => input.includes('node_modules/readable-stream/'))).to.deep.equal([]);
    expect(inputs).to.include('node-stream-shim:readable-stream');

    const { stdout, stderr } = await execa(process.execPath, [outfile]);
    const report = JSON.parse(stdout) as { nodeStreams: boolean; memory: string[]; written: string[] };

    const expected = Array.from({ length: LINES }, (_, i) => `line ${i}`);
    expect(report.nodeStreams).to.equal(true);
    expect(report.memory).to.deep.equal(expected);
    expect(report.written).to.deep.equal(expected.map((line) => `info ${line}`));
    expect(stderr.trim().split('\n')).to.deep.equal(expected.map((line) => `info ${line}`));
  });

  it('fails the build when another module asks for readable-stream, naming it and where to map it', async () => {
    const entry = "import { Readable } from 'readable-stream'; console.log(Readable);";
    const failure = await bundleEntry(esbuild, entry, join(dir, 'other.mjs'), 'silent').then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).to.be.instanceOf(Error);
    expect(String((failure as Error).message)).to.match(
      /requires readable-stream, which scripts\/bundle-shims\.mjs does not map to node's streams/,
    );
  });
});
