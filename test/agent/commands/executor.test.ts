import { expect } from 'chai';
import { CommandExecutor, splitCommandName } from '../../../agent/commands/executor.js';
import type { Extension } from '../../../agent/commands/types.js';
import {
  AgentIsBusy,
  InvalidCommandError,
  InvalidCommandParamsError,
  RequestedObjectNotFoundError,
} from '../../../common/errors.js';
import { createTestLogger } from '../../helpers/logger.js';
import { defineCommand, noParams } from '../../../agent/commands/define-command.js';

describe('commands/executor', () => {
  const { logger } = createTestLogger();

  it('splits on the first dot only', () => {
    expect(splitCommandName('deploy.execute_deploy_step')).to.deep.equal(['deploy', 'execute_deploy_step']);
    expect(splitCommandName('a.b.c')).to.deep.equal(['a', 'b.c']);
    for (const bad of ['nodot', '.x', 'x.']) expect(() => splitCommandName(bad)).to.throw(InvalidCommandError);
  });

  it('calls onAsyncComplete when an async command ends, success or failure', async () => {
    let completions = 0;
    const ext: Extension = {
      name: 'x',
      commands: {
        ok: defineCommand({ mode: 'async', parse: noParams, run: async () => 1 }),
        bad: defineCommand({
          mode: 'async',
          parse: noParams,
          run: async () => {
            throw new Error('no');
          },
        }),
      },
    };
    const executor = new CommandExecutor({
      extensions: [ext],
      logger,
      onAsyncComplete: () => {
        completions += 1;
      },
    });

    await (await executor.execute('x.ok', {})).wait();
    await new Promise((r) => setImmediate(r));
    await (await executor.execute('x.bad', {})).wait();
    await new Promise((r) => setImmediate(r));

    expect(completions).to.equal(2);
  });

  it('refuses a command while the last one runs, then accepts once it finished', async () => {
    let finish = () => undefined as void;
    const ext: Extension = {
      name: 'x',
      commands: {
        slow: defineCommand({
          mode: 'async',
          parse: noParams,
          run: () =>
            new Promise((r) => {
              finish = () => r(null);
            }),
        }),
        quick: defineCommand({ mode: 'sync', parse: noParams, run: async () => 2 }),
      },
    };
    const executor = new CommandExecutor({ extensions: [ext], logger });
    const slow = await executor.execute('x.slow', {});

    const busy = await executor.execute('x.quick', {}).catch((e: unknown) => e);
    finish();
    await slow.wait();
    const quick = await executor.execute('x.quick', {});

    expect(busy).to.be.instanceOf(AgentIsBusy);
    expect(quick.status).to.equal('SUCCEEDED');
    expect(executor.list().map((r) => r.commandName)).to.deep.equal(['slow', 'quick']);
  });

  it('does not record commands rejected by validation or lookup', async () => {
    const ext: Extension = {
      name: 'x',
      commands: {
        v: defineCommand({
          mode: 'sync',
          parse: () => {
            throw new InvalidCommandParamsError('bad');
          },
          run: async () => null,
        }),
      },
    };
    const executor = new CommandExecutor({ extensions: [ext], logger });

    const errors = await Promise.all([
      executor.execute('x.v', {}).catch((e: unknown) => e),
      executor.execute('y.v', {}).catch((e: unknown) => e),
      executor.execute('x.w', {}).catch((e: unknown) => e),
    ]);

    expect(errors[0]).to.be.instanceOf(InvalidCommandParamsError);
    expect(errors[1]).to.be.instanceOf(RequestedObjectNotFoundError);
    expect(errors[2]).to.be.instanceOf(InvalidCommandError);
    expect(executor.list()).to.have.length(0);
  });

  it('keeps the given id when resuming and reset() starts a new boot', async () => {
    const ext: Extension = {
      name: 'x',
      commands: { ok: defineCommand({ mode: 'async', parse: noParams, run: async () => null }) },
    };
    const executor = new CommandExecutor({ extensions: [ext], logger });

    const result = await executor.execute('x.ok', {}, { id: 'fixed-id' });
    await result.wait();
    executor.reset();

    expect(result.id).to.equal('fixed-id');
    expect(executor.list()).to.have.length(0);
  });
});

describe('commands/executor (review fixes)', () => {
  const { logger } = createTestLogger();

  it('reset() keeps a running command, so the busy check still protects its disks', async () => {
    let finish = () => undefined as void;
    const ext: Extension = {
      name: 'x',
      commands: {
        slow: defineCommand({
          mode: 'async',
          parse: noParams,
          run: () =>
            new Promise((r) => {
              finish = () => r(null);
            }),
        }),
        quick: defineCommand({ mode: 'sync', parse: noParams, run: async () => 1 }),
      },
    };
    const executor = new CommandExecutor({ extensions: [ext], logger });
    const slow = await executor.execute('x.slow', {});

    executor.reset();
    const busy = await executor.execute('x.quick', {}).catch((e: unknown) => e);
    finish();
    await slow.wait();

    expect(busy).to.be.instanceOf(AgentIsBusy);
    expect(executor.list().map((r) => r.id)).to.deep.equal([slow.id]);
  });

  it('a nested command refused with 400 does not remove anything from the history', async () => {
    const ext: Extension = {
      name: 'x',
      commands: {
        outer: defineCommand({
          mode: 'async',
          parse: noParams,
          run: async () => {
            await executor.executeNested('x.bad', {}).catch(() => undefined);
            return null;
          },
        }),
        bad: defineCommand({
          mode: 'sync',
          parse: noParams,
          run: async () => {
            throw new InvalidCommandError('no');
          },
        }),
      },
    };
    const executor: CommandExecutor = new CommandExecutor({ extensions: [ext], logger });

    const outer = await executor.execute('x.outer', {});
    await outer.wait();

    expect(executor.list().map((r) => r.commandName)).to.deep.equal(['outer']);
  });
});
