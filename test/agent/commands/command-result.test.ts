import { expect } from 'chai';
import { CommandResult, newCommandId } from '../../../agent/commands/command-result.js';
import { CommandExecutionError } from '../../../common/errors.js';

/** A value nested far deeper than JSON.stringify's recursion allows. */
function tooDeep(): unknown {
  let value: unknown = null;
  for (let i = 0; i < 100_000; i += 1) value = [value];
  return value;
}

describe('commands/command-result', () => {
  it('toJSONText is the JSON of toJSON', () => {
    const result = new CommandResult('get_deploy_steps', 'sync');
    result.succeed({ deploy_steps: {} });

    expect(JSON.parse(result.toJSONText())).to.deep.equal(result.toJSON());
  });

  it('toJSONText turns a result that cannot be serialised into a FAILED placeholder with the same id and name', () => {
    const deep = new CommandResult('execute_deploy_step', 'async');
    deep.succeed(tooDeep());
    const cyclic = new CommandResult('echo', 'sync');
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    cyclic.succeed(loop);

    for (const result of [deep, cyclic]) {
      const json = JSON.parse(result.toJSONText()) as Record<string, unknown>;
      expect(json).to.deep.include({
        id: result.id,
        command_name: result.commandName,
        command_status: 'FAILED',
        command_result: null,
      });
      expect(json['command_error']).to.deep.include({
        type: 'CommandExecutionError',
        code: 500,
        message: 'Command execution failed',
      });
      expect((json['command_error'] as { details: string }).details).to.match(
        /^The agent cannot serialise the result of this command: /,
      );
    }
  });

  describe('wait', () => {
    /** Whether `promise` has settled once pending callbacks ran. */
    async function settled(promise: Promise<void>): Promise<boolean> {
      let done = false;
      void promise.then(() => {
        done = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      return done;
    }

    it('resolves every waiter of a running command when it succeeds, and not before', async () => {
      const result = new CommandResult('execute_deploy_step', 'async');
      const first = result.wait();
      const second = result.wait();

      expect(await settled(first)).to.equal(false);
      result.succeed('done');
      expect(await settled(first)).to.equal(true);
      expect(await settled(second)).to.equal(true);
    });

    it('resolves a waiter when the command fails', async () => {
      const result = new CommandResult('execute_clean_step', 'async');
      const waiting = result.wait();
      result.fail(new CommandExecutionError('boom'));

      expect(await settled(waiting)).to.equal(true);
    });

    it('resolves at once for a finished or restored command', async () => {
      const finished = new CommandResult('get_partition_uuids', 'sync');
      finished.succeed({});
      const restored = new CommandResult('execute_deploy_step', 'async', { status: 'FAILED' });

      expect(await settled(finished.wait())).to.equal(true);
      expect(await settled(restored.wait())).to.equal(true);
    });
  });

  it('newCommandId makes distinct version 4 UUIDs, the id of every new result', () => {
    const ids = Array.from({ length: 100 }, () => newCommandId());
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(new CommandResult('echo', 'sync').id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  });
});
