/**
 * scripts/bundle.mjs: the runtime bundle, built for real into a temporary
 * directory (esbuild, a few seconds), then loaded by a child node. Loading the
 * agent (`agent --help` loads the same chunks as a boot up to the first lookup)
 * must read none of node's lazy web globals, each of which loads node's undici
 * and web streams (bench/README.md, "Start and memory").
 */
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error scripts/ is plain JavaScript without declarations
import { bundle } from '../../scripts/bundle.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Globals node defines as lazy getters that load undici or web streams on first read. */
const LAZY_WEB_GLOBALS = ['fetch', 'FormData', 'Headers', 'Request', 'Response', 'WebSocket', 'ReadableStream'];

/** A preload that records every read of those getters and prints the names at exit. */
const TRAP = `
const read = new Set();
for (const name of ${JSON.stringify(LAZY_WEB_GLOBALS)}) {
  const d = Object.getOwnPropertyDescriptor(globalThis, name);
  if (d === undefined || d.get === undefined) continue;
  Object.defineProperty(globalThis, name, { ...d, get() { read.add(name); return d.get.call(this); } });
}
process.on('exit', () => {
  process.stderr.write('READ:' + [...read].join(',') + '\\n');
  process.stderr.write('BUILTINS:' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(',') + '\\n');
});
`;

/** The names after `prefix` on the line of `stderr` that starts with it. */
function listed(stderr: string, prefix: string): string[] {
  const line = stderr.split('\n').find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`no ${prefix} line in:\n${stderr}`);
  return line.slice(prefix.length).split(',').filter(Boolean);
}

describe('scripts/bundle.mjs', function () {
  this.timeout(120_000);
  let out = '';
  let inputs: string[] = [];

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'bundle-test-'));
    const metafile = await (bundle as (root: string, outdir: string) => Promise<{ inputs: object }>)(ROOT, out);
    inputs = Object.keys(metafile.inputs);
  });

  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("loads the agent without reading node's lazy web globals (axios' module-level reads are patched out)", async () => {
    const trap = `data:text/javascript,${encodeURIComponent(TRAP)}`;

    const result = await execa(process.execPath, ['--import', trap, join(out, 'cli.mjs'), 'agent', '--help'], {
      cwd: out,
    });

    expect(result.stdout).to.match(/^Usage: ironic-coreos-agent agent/);
    expect(listed(result.stderr, 'READ:')).to.deep.equal([]);
  });

  it("loads the agent without node's http2 (axios' imports of it are made lazy)", async () => {
    const trap = `data:text/javascript,${encodeURIComponent(TRAP)}`;

    const result = await execa(process.execPath, ['--import', trap, join(out, 'cli.mjs'), 'agent', '--help'], {
      cwd: out,
    });

    const builtins = listed(result.stderr, 'BUILTINS:');
    expect(builtins).to.include('https'); // the list is real: axios' http adapter is loaded
    expect(builtins).not.to.include('http2');
  });

  it("bundles the iconv-lite shim instead of iconv-lite's encoding tables", () => {
    expect(inputs).to.include('common/text/iconv-lite-shim.ts');
    expect(inputs.filter((path) => path.includes('node_modules/iconv-lite/'))).to.deep.equal([]);
  });
});
