import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../cli/index.js';
import type { CliIO } from '../../common/cli/types.js';

/** A CliIO whose output is kept. */
function capture(env: NodeJS.ProcessEnv = {}): { io: CliIO; stdout: () => string; stderr: () => string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  return {
    io: { stdin: new PassThrough(), stdout, stderr, env, cwd: tmpdir() },
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}

describe('cli: exit codes (0 success, 1 runtime error, 2 usage error or invalid value)', () => {
  let dir: string;
  let cmdline: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-exit-'));
    cmdline = join(dir, 'cmdline');
    writeFileSync(cmdline, 'quiet\n');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function agent(flags: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
    const out = capture(env);
    const code = await main(['agent', '--config-dir', dir, '--cmdline-path', cmdline, ...flags], out.io);
    return { code, stderr: out.stderr() };
  }

  it('exits 2 for a bad value wherever it comes from: flag, config file, kernel command line, environment', async () => {
    const fromFlag = await agent(['--listen-port', 'abc']);
    writeFileSync(join(dir, 'a.conf'), '[DEFAULT]\nlisten_port = abc\n');
    const fromFile = await agent([]);
    rmSync(join(dir, 'a.conf'));
    writeFileSync(cmdline, 'ipa-listen-port=abc\n');
    const fromKernel = await agent([]);
    writeFileSync(cmdline, 'quiet\n');
    const fromEnv = await agent([], { IPA_COREOS_COPY_NETWORK: 'sure' });

    expect([fromFlag, fromFile, fromKernel, fromEnv].map((r) => r.code)).to.deep.equal([2, 2, 2, 2]);
    expect(fromFlag.stderr).to.equal(
      'ironic-coreos-agent agent: invalid value "abc" for listen_port (from --listen-port): expected an integer 1-65535\n' +
        'Run "ironic-coreos-agent agent --help" for usage.\n',
    );
    expect(fromFile.stderr).to.contain(`invalid value "abc" for listen_port (from ${join(dir, 'a.conf')} line 2)`);
    expect(fromKernel.stderr).to.contain(`(from kernel parameter ipa-listen-port in ${cmdline})`);
    expect(fromEnv.stderr).to.contain('(from environment variable IPA_COREOS_COPY_NETWORK)');
  });

  it('exits 2 for rules across options and for a config dir that is not one', async () => {
    const listenTls = await agent(['--listen-tls']);
    const notADir = await agent(['--config-dir', cmdline]);

    expect([listenTls.code, notADir.code]).to.deep.equal([2, 2]);
    expect(listenTls.stderr).to.contain('listen_tls is enabled (from --listen-tls) but tls_cert_file is not set');
  });

  it('exits 2 for usage errors: an unknown flag, a missing value, an unknown command', async () => {
    const unknown = await agent(['--listen-prot', '1']);
    const missing = await agent(['--listen-port']);
    const command = capture();

    expect([unknown.code, missing.code, await main(['frobnicate'], command.io)]).to.deep.equal([2, 2, 2]);
  });

  it('exits 0 for --help', async () => {
    const out = capture();

    expect(await main(['agent', '--help'], out.io)).to.equal(0);
    expect(out.stdout()).to.match(/^Usage: ironic-coreos-agent agent/);
  });
});
