import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { agentCommandScript, nodeStartScript, NODE_SYSROOT, sshdConfig } from '../../testbed/ssh-node-files.js';

const run = promisify(execFile);

describe('testbed/ssh-node-files', () => {
  it("sshd's config: the node's address, port, key files, keys only, and the session variables", () => {
    const text = sshdConfig({
      address: '10.1.2.11',
      port: 22,
      hostKey: '/n/host',
      authorizedKeys: '/n/keys',
      env: { ICA_TESTBED_NODE_NAME: 'w1', ICA_TESTBED_NODE_DIR: '/n' },
    });

    const lines = text.split('\n');
    expect(lines).to.include.members([
      'ListenAddress 10.1.2.11',
      'Port 22',
      'HostKey /n/host',
      'AuthorizedKeysFile /n/keys',
      'PasswordAuthentication no',
      'UsePAM no',
      'SetEnv ICA_TESTBED_NODE_NAME="w1" ICA_TESTBED_NODE_DIR="/n"',
    ]);
  });

  it('the start script binds the sysroot at the fixed path and the two /proc files, then becomes sshd', () => {
    const script = nodeStartScript({ sysroot: '/s r', cmdlineFile: '/n/c', bootIdFile: '/n/b', sshdConfig: '/n/cfg' });

    expect(script.split('\n').slice(3, 7)).to.deep.equal([
      `mount --bind '/s r' ${NODE_SYSROOT}`,
      'mount --bind /n/c /proc/cmdline',
      'mount --bind /n/b /proc/sys/kernel/random/boot_id',
      'exec /usr/sbin/sshd -D -e -f /n/cfg',
    ]);
  });

  it('refuses an ostree directory under /tmp or /var/tmp (the wrapped ostree would find itself)', () => {
    for (const ostreeDir of ['/tmp/x', '/var/tmp', '/tmp']) {
      expect(() => agentCommandScript({ checkout: '/c', node: '/n', ostreeDir }), ostreeDir).to.throw(/under \/tmp/);
    }
  });

  describe('the agent command (run by sh with a stand-in node program)', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'agent-command-'));
      // The stand-in for node: records its arguments and stdin, exits with $EXIT.
      writeFileSync(join(dir, 'node'), `#!/bin/sh\necho "$@" > ${dir}/args\ncat > ${dir}/stdin\nexit "\${EXIT:-0}"\n`);
      chmodSync(join(dir, 'node'), 0o755);
      writeFileSync(
        join(dir, 'agent'),
        agentCommandScript({ checkout: '/c', node: join(dir, 'node'), ostreeDir: '/run/o' }),
      );
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    async function agent(args: string[], exit: number): Promise<number> {
      const env = { ...process.env, EXIT: String(exit), ICA_TESTBED_NODE_NAME: 'w1', ICA_TESTBED_NODE_DIR: dir };
      const child = run('sh', [join(dir, 'agent'), ...args], { env: { ...env, ICA_TESTBED_EVENTS: join(dir, 'ev') } });
      child.child.stdin?.end('config');
      return child.then(
        () => 0,
        (error: { code: number }) => error.code,
      );
    }
    const read = (name: string): string => {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch {
        return '';
      }
    };

    it('runs the checkout through tsx with the arguments and stdin, and records the reboot a successful apply --now asks for', async () => {
      const code = await agent(['reprovision', 'apply', '--now', '-', '--sysroot', '/s'], 0);

      expect(code).to.equal(0);
      expect(read('args')).to.equal(
        '--import /c/node_modules/tsx/dist/loader.mjs /c/cli/index.ts reprovision apply --now - --sysroot /s\n',
      );
      expect(read('stdin')).to.equal('config');
      expect(read('reboot-requests')).to.equal('reboot\n');
      expect(read('ev')).to.equal('w1 reprovision apply --now - --sysroot /s\nw1 reboot requested\n');
    });

    it('a failed apply, or one without --now, asks for no reboot and keeps the exit code', async () => {
      expect(await agent(['reprovision', 'apply', '--now', '-'], 3)).to.equal(3);
      expect(await agent(['reprovision', 'apply', '-'], 0)).to.equal(0);

      expect(read('reboot-requests')).to.equal('');
    });
  });
});
