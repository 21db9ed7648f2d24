import { expect } from 'chai';
import { parseFlowParams, type FlowTask } from '../../../../agent/extensions/flow/index.js';
import type { RawParams } from '../../../../agent/commands/types.js';
import { InvalidCommandParamsError } from '../../../../common/errors.js';

const NOT_A_LIST = 'start_flow requires "flow": a list of {"<extension>.<command>": params}';
const NOT_AN_OBJECT = 'Each flow entry must be an object';

describe('extensions/flow parseFlowParams', () => {
  const known = (name: string) => name.startsWith('x.');
  const table: Array<[string, RawParams, FlowTask[] | string]> = [
    [
      'tasks in order, several per entry',
      { flow: [{ 'x.a': { n: 1 } }, { 'x.b': {}, 'x.c': { m: 2 } }] },
      [
        { name: 'x.a', params: { n: 1 } },
        { name: 'x.b', params: {} },
        { name: 'x.c', params: { m: 2 } },
      ],
    ],
    [
      'params that are not an object are none',
      { flow: [{ 'x.a': 'p' }, { 'x.b': null }] },
      [
        { name: 'x.a', params: {} },
        { name: 'x.b', params: {} },
      ],
    ],
    ['an empty flow', { flow: [] }, []],
    ['no flow', {}, NOT_A_LIST],
    ['a flow that is an object', { flow: { 'x.a': {} } }, NOT_A_LIST],
    ['an entry that is a list', { flow: [[{ 'x.a': {} }]] }, NOT_AN_OBJECT],
    ['an entry that is null', { flow: [null] }, NOT_AN_OBJECT],
    ['an unknown command', { flow: [{ 'x.a': {} }, { 'y.b': {} }] }, 'Unknown command in flow: y.b'],
    ['a malformed entry wins over an unknown command before it', { flow: [{ 'y.b': {} }, 1] }, NOT_AN_OBJECT],
  ];
  for (const [what, raw, expected] of table) {
    it(what, () => {
      if (typeof expected === 'string') {
        expect(() => parseFlowParams(raw, known))
          .to.throw(InvalidCommandParamsError)
          .with.property('details', expected);
      } else {
        expect(parseFlowParams(raw, known)).to.deep.equal(expected);
      }
    });
  }
});
