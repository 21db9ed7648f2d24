import { expect } from 'chai';
import { parseSetNodeInfoParams } from '../../../../agent/extensions/poll/index.js';
import type { RawParams } from '../../../../agent/commands/types.js';
import { InvalidCommandParamsError } from '../../../../common/errors.js';

const REFUSED = 'set_node_info requires a "node_info" object with "node" and "config"';

describe('extensions/poll parseSetNodeInfoParams', () => {
  const info = { node: { uuid: 'u' }, config: {} };
  const table: Array<[string, RawParams, Record<string, unknown> | string]> = [
    ['a node_info object', { node_info: info }, info],
    ['an empty object is taken as is', { node_info: {} }, {}],
    ['no node_info', {}, REFUSED],
    ['node_info null', { node_info: null }, REFUSED],
    ['node_info a list', { node_info: [info] }, REFUSED],
    ['node_info a string', { node_info: 'x' }, REFUSED],
  ];
  for (const [what, raw, expected] of table) {
    it(what, () => {
      if (typeof expected === 'string') {
        expect(() => parseSetNodeInfoParams(raw))
          .to.throw(InvalidCommandParamsError)
          .with.property('details', expected);
      } else {
        expect(parseSetNodeInfoParams(raw)).to.deep.equal({ nodeInfo: expected });
      }
    });
  }
});
