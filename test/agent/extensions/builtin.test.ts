import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandExecutor } from '../../../agent/commands/executor.js';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import type { RunOptions, RunResult, Runner } from '../../../common/exec/runner.js';
import { HardwareDispatcher } from '../../../agent/hardware/dispatch.js';
import { createFlowExtension } from '../../../agent/extensions/flow/index.js';
import { createLogExtension } from '../../../agent/extensions/log/index.js';
import { createPollExtension } from '../../../agent/extensions/poll/index.js';
import { createStandbyExtension } from '../../../agent/extensions/standby/index.js';
import { createSystemExtension } from '../../../agent/extensions/system/index.js';
import { InvalidCommandError, InvalidCommandParamsError } from '../../../common/errors.js';
import { runInstaller } from '../../../agent/hardware/coreos/run-installer.js';
import { createLogger } from '../../../agent/logger.js';
import { RecentLogTransport } from '../../../agent/recent-log.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeRunner } from '../../helpers/fake-runner.js';
import { fakeManager } from '../../helpers/fake-managers.js';
import { createTestLogger } from '../../helpers/logger.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';

/** Scripted answers for the diagnostics, the real tar for the archive. */
class LogRunner implements Runner {
  private readonly real = new ExecaRunner();
  readonly calls: string[][] = [];
  async run(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    this.calls.push([...argv]);
    if (argv[0] === 'tar') return this.real.run(argv, options);
    if (argv[0] === 'dmesg')
      return { exitCode: 0, stdout: `boot ok; GET /v1/commands/?agent_token=${TOKEN}&wait=true\n`, stderr: '' };
    if (argv[0] === 'efibootmgr') throw new Error('EFI variables are not supported on this system');
    return { exitCode: 0, stdout: `${argv.join(' ')} output\n`, stderr: '' };
  }
}

describe('built-in extensions', () => {
  const { logger } = createTestLogger();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ext-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function dispatcher(methods = {}) {
    return HardwareDispatcher.create([fakeManager({ methods })], logger);
  }

  it('standby.power_off syncs and asks the host systemd through chroot, then reports the action', async () => {
    const runner = new FakeRunner().expect(
      { match: ['sync'] },
      { match: ['chroot', '/mnt/coreos', 'systemctl', 'poweroff', '--no-block'] },
    );
    const actions: string[] = [];
    const executor = new CommandExecutor({
      extensions: [
        createStandbyExtension({
          runner,
          dispatcher: await dispatcher(),
          logger,
          rootMount: '/mnt/coreos',
          onPowerAction: (a) => actions.push(a),
        }),
      ],
      logger,
    });

    const result = await executor.execute('standby.power_off', {});
    await result.wait();

    expect(result.toJSON()).to.deep.include({
      command_name: 'power_off',
      command_status: 'SUCCEEDED',
      command_result: null,
    });
    expect(actions).to.deep.equal(['poweroff']);
    expect(runner.pending()).to.deep.equal([]);
  });

  it('standby.run_image failing to reboot is a SystemRebootError with the output, and no sysrq fallback', async () => {
    const runner = new FakeRunner().expect(
      { match: ['sync'] },
      {
        match: (a) => a.includes('reboot'),
        exitCode: 1,
        stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.",
      },
    );
    const executor = new CommandExecutor({
      extensions: [
        createStandbyExtension({ runner, dispatcher: await dispatcher(), logger, rootMount: '/mnt/coreos' }),
      ],
      logger,
    });

    const result = await executor.execute('standby.run_image', {});
    await result.wait();

    expect(result.toJSON().command_error).to.include({ type: 'SystemRebootError', message: 'Error rebooting system' });
    expect(result.error?.details).to.contain("Can't operate.");
    expect(runner.calls.map((c) => c.argv.join(' '))).to.deep.equal([
      'sync',
      'chroot /mnt/coreos systemctl reboot --no-block',
    ]);
  });

  it('standby.sync and get_partition_uuids are sync commands', async () => {
    const runner = new FakeRunner().expect({ match: ['sync'] });
    const executor = new CommandExecutor({
      extensions: [
        createStandbyExtension({ runner, dispatcher: await dispatcher(), logger, rootMount: '/mnt/coreos' }),
      ],
      logger,
    });

    expect((await executor.execute('standby.sync', {})).status).to.equal('SUCCEEDED');
    expect((await executor.execute('standby.get_partition_uuids', {})).toJSON().command_result).to.deep.equal({});
  });

  it('poll.get_hardware_info returns the inventory; set_node_info is only for standalone mode', async () => {
    const applied: unknown[] = [];
    const d = await dispatcher({ listHardwareInfo: async () => ({ cpu: { count: 2 } }) });
    const normal = new CommandExecutor({
      extensions: [
        createPollExtension({ dispatcher: d, standalone: false, processLookupData: (x) => applied.push(x) }),
      ],
      logger,
    });
    const standalone = new CommandExecutor({
      extensions: [createPollExtension({ dispatcher: d, standalone: true, processLookupData: (x) => applied.push(x) })],
      logger,
    });
    const info = { node: { uuid: 'u' }, config: {} };

    expect((await normal.execute('poll.get_hardware_info', {})).toJSON().command_result).to.deep.equal({
      cpu: { count: 2 },
    });
    expect(await normal.execute('poll.set_node_info', { node_info: info }).catch((e: unknown) => e)).to.be.instanceOf(
      InvalidCommandError,
    );
    expect(await standalone.execute('poll.set_node_info', {}).catch((e: unknown) => e)).to.be.instanceOf(
      InvalidCommandParamsError,
    );
    expect((await standalone.execute('poll.set_node_info', { node_info: info })).status).to.equal('SUCCEEDED');
    expect(applied).to.deep.equal([info]);
  });

  it('log.collect_system_logs returns a base64 tar.gz with the diagnostics, the agent log, and the token masked', async () => {
    const runner = new LogRunner();
    const executor = new CommandExecutor({
      extensions: [
        createLogExtension({
          runner,
          dispatcher: await dispatcher(),
          logger,
          rootMount: '/mnt/coreos',
          agentLog: () => `agent started, token ${TOKEN}\n`,
          secrets: () => [TOKEN],
        }),
      ],
      logger,
    });

    const result = await executor.execute('log.collect_system_logs', {});

    const archive = join(dir, 'logs.tar.gz');
    writeFileSync(
      archive,
      Buffer.from((result.toJSON().command_result as { system_logs: string }).system_logs, 'base64'),
    );
    const names = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' })
      .split('\n')
      .filter((n) => n !== '' && n !== './')
      .sort();
    const dmesg = execFileSync('tar', ['-xzOf', archive, './dmesg'], { encoding: 'utf8' });
    const agentLog = execFileSync('tar', ['-xzOf', archive, './ironic-coreos-agent.log'], { encoding: 'utf8' });
    const efi = execFileSync('tar', ['-xzOf', archive, './efibootmgr'], { encoding: 'utf8' });
    expect(names).to.include.members(['./journal', './dmesg', './ip_addr', './lsblk', './ironic-coreos-agent.log']);
    expect(dmesg).to.contain('agent_token=******').and.not.contain(TOKEN);
    expect(agentLog).to.equal('agent started, token ******\n');
    expect(efi).to.match(/^command failed: efibootmgr -v: EFI variables are not supported/);
    expect(runner.calls).to.deep.include(['chroot', '/mnt/coreos', 'journalctl', '--no-pager', '-b', '-n', '10000']);
  });

  it("log.collect_system_logs: the agent log at the default level holds coreos-installer's error report", async () => {
    const agentLog = new RecentLogTransport();
    const infoLogger = createLogger({ transports: [agentLog] });
    const installer = new FakeRunner().expect({
      match: () => true,
      exitCode: 1,
      repeat: true,
      lines: [
        'Error: decoding and writing image',
        '',
        'Caused by:',
        '    No space left on device (os error 28)',
        '',
        'Resetting partition table',
        'Error: install failed',
      ],
    });
    await runInstaller({
      runner: installer,
      logger: infoLogger,
      argv: ['chroot', '/mnt/coreos', 'coreos-installer', 'install', '/dev/sda'],
      rootMount: '/mnt/coreos',
      clock: new FakeClock(),
      attempts: 1,
    }).catch(() => undefined);
    const executor = new CommandExecutor({
      extensions: [
        createLogExtension({
          runner: new LogRunner(),
          dispatcher: await dispatcher(),
          logger,
          rootMount: '/mnt/coreos',
          agentLog: () => agentLog.text(),
          secrets: () => [],
        }),
      ],
      logger,
    });

    const result = await executor.execute('log.collect_system_logs', {});

    const archive = join(dir, 'logs.tar.gz');
    writeFileSync(
      archive,
      Buffer.from((result.toJSON().command_result as { system_logs: string }).system_logs, 'base64'),
    );
    const text = execFileSync('tar', ['-xzOf', archive, './ironic-coreos-agent.log'], { encoding: 'utf8' });
    for (const line of [
      'Error: decoding and writing image',
      'Caused by:',
      '    No space left on device (os error 28)',
      'Error: install failed',
    ]) {
      expect(text).to.contain(JSON.stringify(line));
    }
  });

  it('system.lockdown answers, then locks down', async () => {
    let locked = 0;
    const executor = new CommandExecutor({
      extensions: [
        createSystemExtension({
          lockdown: () => {
            locked += 1;
          },
        }),
      ],
      logger,
    });

    const result = await executor.execute('system.lockdown', {});

    expect(result.status).to.equal('SUCCEEDED');
    expect(locked).to.equal(1);
  });

  it('flow.start_flow runs commands in order and fails on the first failure', async () => {
    const order: string[] = [];
    const steps = {
      name: 'x',
      commands: {
        a: defineCommand({
          mode: 'sync',
          parse: noParams,
          run: async () => {
            order.push('a');
            return null;
          },
        }),
        b: defineCommand({
          mode: 'async',
          parse: noParams,
          run: async () => {
            order.push('b');
            throw new Error('b broke');
          },
        }),
        c: defineCommand({
          mode: 'sync',
          parse: noParams,
          run: async () => {
            order.push('c');
            return null;
          },
        }),
      },
    };
    const executor: CommandExecutor = new CommandExecutor({
      extensions: [steps, createFlowExtension(() => executor)],
      logger,
    });

    const bad = await executor.execute('flow.start_flow', { flow: [{ 'x.a': {} }, { 'x.b': {} }, { 'x.c': {} }] });
    await bad.wait();
    const unknown = await executor.execute('flow.start_flow', { flow: [{ 'x.nope': {} }] }).catch((e: unknown) => e);

    expect(order).to.deep.equal(['a', 'b']);
    expect(bad.toJSON().command_error).to.include({
      type: 'CommandExecutionError',
      details: 'x.b was failed to be executed',
    });
    expect(unknown).to.be.instanceOf(InvalidCommandParamsError);
    expect(executor.list().map((r) => r.commandName)).to.deep.equal(['start_flow']);
  });
});
