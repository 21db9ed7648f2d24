import { expect } from 'chai';
import { CommandResult } from '../../../agent/commands/command-result.js';

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
});
