import { expect } from 'chai';
import { parseExecuteStepParams, parseGetStepsParams } from '../../../agent/extensions/step-params.js';
import type { RawParams } from '../../../agent/commands/types.js';
import type { StepKind } from '../../../agent/hardware/types.js';
import { InvalidCommandParamsError } from '../../../common/errors.js';

const NODE = { uuid: 'c712b7a5-9f27-4921-b70e-0f181671403b', instance_info: {} };
const KINDS: StepKind[] = ['deploy', 'clean', 'service'];

describe('extensions/step-params', () => {
  describe('parseGetStepsParams', () => {
    const table: Array<[string, RawParams, unknown]> = [
      ['a node with a uuid is kept', { node: NODE, ports: [] }, NODE],
      ['no node', {}, null],
      ['a node without a uuid', { node: { name: 'n' } }, null],
      ['a node that is not an object', { node: 'n' }, null],
    ];
    for (const [what, raw, node] of table) it(what, () => expect(parseGetStepsParams(raw)).to.deep.equal({ node }));
  });

  describe('parseExecuteStepParams refuses bad params with the exact messages', () => {
    for (const kind of KINDS) {
      const table: Array<[string, RawParams, string]> = [
        ['no step', { node: NODE }, `execute_${kind}_step requires a "step" object`],
        ['a step that is a list', { step: [], node: NODE }, `execute_${kind}_step requires a "step" object`],
        ['a step that is null', { step: null, node: NODE }, `execute_${kind}_step requires a "step" object`],
        [
          'a step without a name',
          { step: { args: {} }, node: NODE },
          `Malformed ${kind}_step, no "step" key: {"args":{}}`,
        ],
        [
          'a step named by a number',
          { step: { step: 1 }, node: NODE },
          `Malformed ${kind}_step, no "step" key: {"step":1}`,
        ],
        [
          'args that are a list',
          { step: { step: 's', args: [] }, node: NODE },
          `${kind} step "args" must be an object`,
        ],
        [
          'args that are a string',
          { step: { step: 's', args: 'x' }, node: NODE },
          `${kind} step "args" must be an object`,
        ],
        ['no node', { step: { step: 's' } }, `execute_${kind}_step requires a "node" object with a uuid`],
        [
          'a node without a uuid',
          { step: { step: 's' }, node: {} },
          `execute_${kind}_step requires a "node" object with a uuid`,
        ],
      ];
      for (const [what, raw, details] of table) {
        it(`${kind}: ${what}`, () => {
          const error = catchError(() => parseExecuteStepParams(kind, raw));
          expect(error).to.be.instanceOf(InvalidCommandParamsError);
          expect((error as InvalidCommandParamsError).toJSON()).to.deep.equal({
            type: 'InvalidCommandParamsError',
            code: 400,
            message: 'Invalid command parameters',
            details,
          });
        });
      }
    }
  });

  describe('parseExecuteStepParams types valid params', () => {
    it('keeps the step as sent, overlays extra params with step.args, keeps port objects', () => {
      const step = { step: 'install_coreos', args: { console: 'ttyS0', extra: 'from args' }, priority: 80 };
      const port = { address: '52:54:00:12:34:56', uuid: 'p1' };
      const versions = { generic_hardware_manager: '1.2' };

      const parsed = parseExecuteStepParams('deploy', {
        step,
        node: NODE,
        ports: [port, 'junk', { uuid: 'no-address' }],
        deploy_version: versions,
        extra: 'from params',
        agent_token: 't',
      });

      expect(parsed).to.deep.equal({
        step,
        name: 'install_coreos',
        args: { extra: 'from args', agent_token: 't', console: 'ttyS0' },
        node: NODE,
        ports: [port],
        versions,
      });
      expect(parsed.step).to.equal(step);
    });

    const table: Array<[string, RawParams, Partial<Record<'args' | 'ports' | 'versions', unknown>>]> = [
      ['null args are none', { step: { step: 's', args: null }, node: NODE }, { args: {} }],
      ['no args, no ports', { step: { step: 's' }, node: NODE }, { args: {}, ports: [], versions: undefined }],
      ['ports that are not a list are none', { step: { step: 's' }, node: NODE, ports: 'x' }, { ports: [] }],
      [
        "another kind's version is an extra argument",
        { step: { step: 's' }, node: NODE, deploy_version: { a: '1' }, clean_version: { a: '2' } },
        { args: { deploy_version: { a: '1' } }, versions: { a: '2' } },
      ],
    ];
    for (const [what, raw, expected] of table)
      it(what, () => expect(parseExecuteStepParams('clean', raw)).to.deep.include(expected));
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
