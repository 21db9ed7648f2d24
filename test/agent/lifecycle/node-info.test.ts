import { expect } from 'chai';
import { parseNodeInfo } from '../../../agent/lifecycle/node-info.js';
import { InvalidCommandParamsError } from '../../../common/errors.js';

const UUID = '6df241ec-4d0e-4b9c-ad67-789584931f8f';

describe('lifecycle/node-info parseNodeInfo', () => {
  const accepted: Array<[string, Record<string, unknown>, unknown]> = [
    [
      'node and config',
      { node: { uuid: UUID, name: 'n1' }, config: { heartbeat_timeout: 60 } },
      { node: { uuid: UUID, name: 'n1' }, config: { heartbeat_timeout: 60 } },
    ],
    ['no config', { node: { uuid: UUID } }, { node: { uuid: UUID }, config: {} }],
    ['a null config', { node: { uuid: UUID }, config: null }, { node: { uuid: UUID }, config: {} }],
    ['a string config', { node: { uuid: UUID }, config: 'x' }, { node: { uuid: UUID }, config: {} }],
  ];
  for (const [name, input, expected] of accepted) {
    it(`reads ${name}`, () => {
      expect(parseNodeInfo(input)).to.deep.equal(expected);
    });
  }

  const refused: Array<[string, Record<string, unknown>]> = [
    ['no node', { config: {} }],
    ['a null node', { node: null }],
    ['a node without uuid', { node: { name: 'n1' } }],
    ['a numeric uuid', { node: { uuid: 42 } }],
    ['a string node', { node: UUID }],
  ];
  for (const [name, input] of refused) {
    it(`refuses ${name} with InvalidCommandParamsError`, () => {
      expect(() => parseNodeInfo(input)).to.throw(InvalidCommandParamsError, /node_info.node/);
    });
  }
});
