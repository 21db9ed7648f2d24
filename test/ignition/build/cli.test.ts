import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../cli/index.js';
import type { CliIO } from '../../../common/cli/types.js';
import { NO_SSH_KEY_MESSAGE } from '../../../ignition/build/ssh-key.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtest home@test';
const REG = ['--registry', 'quay.io/example'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('ignition/build/cli', () => {
  let dir: string;
  let home: string;

  async function run(argv: string[], env: NodeJS.ProcessEnv = { HOME: home }): Promise<Run> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (c: Buffer) => out.push(c));
    stderr.on('data', (c: Buffer) => err.push(c));
    const io: CliIO = { stdin: new PassThrough(), stdout, stderr, env, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ign-cli-'));
    home = join(dir, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints help at each level', async () => {
    const top = await run(['ignition', '--help']);
    const build = await run(['ignition', 'build', '--help']);
    const bare = await run(['ignition']);

    expect(top).to.include({ code: 0 });
    expect(top.stdout).to.contain('\n  build  Write the Ignition config').and.contain('ignition <command> --help');
    expect(build).to.include({ code: 0 });
    expect(build.stdout).to.contain('--host <host>').and.contain('--spec <version>');
    expect(bare.code).to.equal(2);
    expect(bare.stderr).to.equal(
      'ironic-coreos-agent ignition: missing command: one of build\nRun "ironic-coreos-agent ignition --help" for usage.\n',
    );
  });

  it('rejects an unknown command with exit 2', async () => {
    const result = await run(['ignition', 'frob']);

    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('ironic-coreos-agent ignition: unknown command "frob"');
  });

  it('uses the first ~/.ssh/id_*.pub and writes to stdout', async () => {
    await writeFile(join(home, '.ssh', 'id_ed25519.pub'), `${KEY}\n`);

    const result = await run(['ignition', 'build', '--host', 'h', ...REG]);

    expect(result.code).to.equal(0);
    const doc = JSON.parse(result.stdout) as { passwd: { users: { name: string; sshAuthorizedKeys: string[] }[] } };
    expect(doc.passwd.users).to.deep.equal([{ name: 'core', sshAuthorizedKeys: [KEY] }]);
  });

  it('fails clearly when no SSH key exists', async () => {
    const result = await run(['ignition', 'build', '--host', 'h', ...REG]);

    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain(NO_SSH_KEY_MESSAGE);
    expect(result.stdout).to.equal('');
  });

  it('builds without an SSH key when told to (--no-ssh-key), with no key on the machine', async () => {
    const result = await run(['ignition', 'build', '--host', 'h', '--no-ssh-key', ...REG]);

    expect(result.code, result.stderr).to.equal(0);
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(doc).not.to.have.property('passwd');
    expect(doc).to.have.nested.property('systemd.units[0].name', 'ironic-agent.service');
  });

  it('writes -o with mode 0600, replacing a world-readable file, and keeps secrets off stderr', async () => {
    await writeFile(join(dir, 'k.pub'), KEY);
    await writeFile(join(dir, 'auth.json'), '{"auths":{"quay.io":{"auth":"c2VjcmV0"}}}');
    await writeFile(join(dir, 'out.ign'), 'old', { mode: 0o644 });

    const result = await run([
      'ignition',
      'build',
      '--host',
      'h',
      ...REG,
      '--ssh-key',
      'k.pub',
      '--pull-secret',
      'auth.json',
      '-o',
      'out.ign',
    ]);

    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.equal('Wrote out.ign (Ignition 3.2.0, mode 0600)\n');
    expect((await stat(join(dir, 'out.ign'))).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(await readFile(join(dir, 'out.ign'), 'utf8'))).to.have.nested.property(
      'ignition.version',
      '3.2.0',
    );
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).to.deep.equal([]);
  });

  const failures: { name: string; argv: string[]; message: RegExp }[] = [
    {
      name: 'a missing --ca-file',
      argv: ['--insecure-registry', '--ca-file', 'nope.pem'],
      message: /cannot read --ca-file nope\.pem: ENOENT/,
    },
    {
      name: 'a --merge file that is not JSON',
      argv: ['--merge', 'bad.ign'],
      message: /--merge bad\.ign is not valid JSON/,
    },
    { name: 'a private key as --ssh-key', argv: ['--ssh-key', 'id_x'], message: /id_x is a private key/ },
    {
      name: 'an injected passthrough value',
      argv: ['--agent-config', 'debug=True\n[x]'],
      message: /newline or control character/,
    },
    { name: 'a bad option', argv: ['--spec', '9'], message: /--spec must be one of/ },
    {
      name: 'a misspelt agent option',
      argv: ['--agent-config', 'lookup_timout=60'],
      message: /unknown agent option "lookup_timout"/,
    },
  ];
  for (const c of failures) {
    it(`exits 2 for ${c.name} and leaves the output file alone`, async () => {
      await writeFile(join(home, '.ssh', 'id_rsa.pub'), KEY);
      await writeFile(join(dir, 'bad.ign'), '{not json');
      await writeFile(join(dir, 'id_x'), '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n');
      await writeFile(join(dir, 'out.ign'), 'keep');

      const result = await run(['ignition', 'build', '--host', 'h', ...REG, ...c.argv, '-o', 'out.ign']);

      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(c.message);
      expect(await readFile(join(dir, 'out.ign'), 'utf8')).to.equal('keep');
    });
  }
});
