/**
 * scripts/bundle.mjs: the runtime bundle, built for real into a temporary
 * directory (esbuild, a few seconds), then loaded by a child node. Loading the
 * agent (`agent --help` loads the same chunks as a boot up to the first lookup)
 * must read none of node's lazy web globals, each of which loads node's undici
 * and web streams (bench/README.md, "Start and memory").
 */
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error scripts/ is plain JavaScript without declarations
import { bundle } from '../../scripts/bundle.mjs';
import { freePort } from '../helpers/agent-container.js';

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
  let outputs: Record<string, { inputs: object }> = {};

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'bundle-test-'));
    const metafile = await (
      bundle as (
        root: string,
        outdir: string,
      ) => Promise<{ inputs: object; outputs: Record<string, { inputs: object }> }>
    )(ROOT, out);
    inputs = Object.keys(metafile.inputs);
    outputs = metafile.outputs;
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

  it("loads the agent without execa or node's child_process: the Runner imports execa on its first command", async () => {
    const trap = `data:text/javascript,${encodeURIComponent(TRAP)}`;

    const result = await execa(process.execPath, ['--import', trap, join(out, 'cli.mjs'), 'agent', '--help'], {
      cwd: out,
    });

    const builtins = listed(result.stderr, 'BUILTINS:');
    expect(builtins).to.include('http');
    expect(builtins).not.to.include('child_process');
  });

  it("sends Ironic the errors' IPA types, not the minified class names, redirects with its deferred modules, and collects its own log", async () => {
    const token = 'bundle-test-token-0123456789abcdef';
    const port = await freePort();
    await mkdir(join(out, 'conf'));
    await writeFile(join(out, 'cmdline'), '');
    const agent = execa(
      process.execPath,
      [
        join(out, 'cli.mjs'),
        'agent',
        '--standalone',
        '--agent-token',
        token,
        '--listen-host',
        '127.0.0.1',
        '--listen-port',
        String(port),
        '--config-dir',
        join(out, 'conf'),
        '--cmdline-path',
        join(out, 'cmdline'),
        '--state-dir',
        join(out, 'state'),
        '--device-allowlist',
        '/dev/nonexistent*',
        '--no-enable-auto-tls',
      ],
      { cwd: out, reject: false },
    );
    const step = { step: 'no_such_step', interface: 'deploy', priority: 1, args: {} };
    try {
      await listening(`http://127.0.0.1:${port}/v1/status`, agent);

      const unknown = await command(port, token, DEPLOY_STEP, { step, node: { uuid: 'n' }, ports: [] });
      const mismatch = await command(port, token, DEPLOY_STEP, {
        step,
        node: { uuid: 'n' },
        ports: [],
        deploy_version: { x: '1' },
      });

      expect(unknown).to.deep.include({ command_status: 'FAILED' });
      expect(unknown['command_error']).to.deep.equal({
        type: 'HardwareManagerMethodNotFound',
        code: 500,
        message: 'No HardwareManager found to handle method',
        details: 'Could not find method: no_such_step',
      });
      expect(mismatch).to.deep.include({ command_status: 'CLEAN_VERSION_MISMATCH' });
      expect(mismatch['command_error']).to.deep.include({ type: 'VersionMismatch', code: 409 });

      // A redirect needs express' type tables, which the bundle loads from chunks/deferred/ on first use.
      const redirect = await fetch(`http://127.0.0.1:${port}/v1`, { redirect: 'manual' });
      expect(redirect.status).to.equal(308);
      expect(redirect.headers.get('location')).to.equal('/v1/');
      expect(redirect.headers.get('content-type')).to.equal('text/plain; charset=utf-8');

      // The composition root keeps the agent's own recent log for log.collect_system_logs.
      const logs = await command(port, token, 'log.collect_system_logs', {});
      const archive = Buffer.from((logs['command_result'] as { system_logs: string }).system_logs, 'base64');
      const tar = await execa('tar', ['-xzO', '-f', '-', './ironic-coreos-agent.log'], { input: archive });
      const lines = tar.stdout.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines[0]).to.include({ level: 'info', message: 'Starting ironic-coreos-agent', standalone: true });
      expect(lines.map((line) => line['command'])).to.include('execute_deploy_step');
      expect(tar.stdout).not.to.contain(token);
    } finally {
      agent.kill();
      await agent;
    }
  });

  it("imports no built-in module as ESM but the banner's node:module: the code requires them, so node builds no facade", async () => {
    const files = (await readdir(out, { recursive: true })).filter((f) => f.endsWith('.mjs'));
    const imports = new Map<string, string[]>();
    for (const file of files) {
      const text = await readFile(join(out, file), 'utf8');
      const found = [...text.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+)["']/g)]
        .map((m) => m[1] ?? '')
        .filter((spec) => isBuiltin(spec));
      imports.set(file, found);
    }

    expect(files.length).to.be.greaterThan(10);
    for (const [file, found] of imports) expect(found, file).to.deep.equal(['node:module']);
  });

  it('gives no built-in module a chunk of its own: each importer requires its built-ins from its own chunk', () => {
    const chunks = Object.entries(outputs).filter(([file]) => file.endsWith('.mjs'));
    const builtinOnly = chunks
      .filter(([, output]) => {
        const chunkInputs = Object.keys(output.inputs); // none for esbuild's own runtime helpers
        return chunkInputs.length > 0 && chunkInputs.every((input) => input.startsWith('node-builtin:'));
      })
      .map(([file]) => file);
    const standIns = chunks
      .flatMap(([, output]) => Object.keys(output.inputs))
      .filter((i) => i.startsWith('node-builtin:'));

    expect(standIns.filter((i) => i.startsWith('node-builtin:node:util')).length).to.be.greaterThan(0); // the stand-ins are real
    expect(builtinOnly).to.deep.equal([]);
  });

  it("bundles winston on node's streams instead of readable-stream", () => {
    expect(inputs).to.include('node-stream-shim:readable-stream');
    expect(inputs.filter((path) => path.includes('node_modules/readable-stream/'))).to.deep.equal([]);
  });

  it("bundles the iconv-lite shim instead of iconv-lite's encoding tables", () => {
    expect(inputs).to.include('common/text/iconv-lite-shim.ts');
    expect(inputs.filter((path) => path.includes('node_modules/iconv-lite/'))).to.deep.equal([]);
  });
});

/** Poll `url` until it answers, failing early if `child` exits. */
async function listening(url: string, child: Promise<unknown> & { exitCode: number | null }): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    if (child.exitCode !== null) throw new Error(`the agent exited with ${child.exitCode}: ${String(await child)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

const DEPLOY_STEP = 'deploy.execute_deploy_step';

/** Command `name` with `params`, waited for; the command as the agent answers it. */
async function command(port: number, token: string, name: string, params: object): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/commands/?wait=true&agent_token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, params }),
  });
  expect(response.status).to.equal(200);
  return (await response.json()) as Record<string, unknown>;
}
