import { expect } from 'chai';
import {
  decodeDocument,
  encodeDocument,
  type StateDocument,
  type StateRead,
} from '../../../common/state/state-document.js';

interface Counter {
  count: number;
}

const COUNTER: StateDocument<Counter> = {
  name: 'counter.json',
  parse: (fields) =>
    typeof fields['count'] === 'number'
      ? { ok: true, value: { count: fields['count'] } }
      : { ok: false, problem: 'count' },
};

describe('common/state/state-document', () => {
  describe('encodeDocument', () => {
    it('puts the boot id first, then the fields, on one line', () => {
      expect(encodeDocument(COUNTER, { count: 2 }, 'boot-1')).to.equal('{"bootId":"boot-1","count":2}\n');
    });

    it('uses the document’s own encoder, and copes with an empty object', () => {
      const custom: StateDocument<Counter> = { ...COUNTER, encode: (c) => (c.count === 0 ? '{}' : `{"n":${c.count}}`) };

      expect(encodeDocument(custom, { count: 3 }, 'b')).to.equal('{"bootId":"b","n":3}\n');
      expect(encodeDocument(custom, { count: 0 }, 'b')).to.equal('{"bootId":"b"}\n');
    });

    it('refuses a value with its own bootId, and an encoder that does not give an object', () => {
      const array: StateDocument<Counter> = { ...COUNTER, encode: () => '[1]' };

      expect(() => encodeDocument(COUNTER, { count: 1, bootId: 'x' } as Counter, 'b')).to.throw('bootId field');
      expect(() => encodeDocument(array, { count: 1 }, 'b')).to.throw('not encoded as a JSON object');
    });
  });

  describe('decodeDocument', () => {
    const table: Array<[string, string, StateRead<Counter>]> = [
      ['this boot’s document', '{"bootId":"boot-1","count":2}', { kind: 'found', value: { count: 2 } }],
      ['another boot’s document', '{"bootId":"boot-0","count":2}', { kind: 'other-boot' }],
      ['another boot’s document even with bad fields', '{"bootId":"boot-0"}', { kind: 'other-boot' }],
      ['a truncated file', '{"bootId":"boot-1","cou', { kind: 'corrupt' }],
      ['an empty file', '', { kind: 'corrupt' }],
      ['null', 'null', { kind: 'invalid', problem: 'not a JSON object' }],
      ['an array', '[]', { kind: 'invalid', problem: 'not a JSON object' }],
      ['no boot id', '{"count":2}', { kind: 'invalid', problem: 'bootId' }],
      ['an empty boot id', '{"bootId":"","count":2}', { kind: 'invalid', problem: 'bootId' }],
      ['a numeric boot id', '{"bootId":1,"count":2}', { kind: 'invalid', problem: 'bootId' }],
      ['fields the kind refuses', '{"bootId":"boot-1","count":"2"}', { kind: 'invalid', problem: 'count' }],
    ];
    for (const [name, text, expected] of table) {
      it(`${name} → ${expected.kind}`, () => {
        expect(decodeDocument(COUNTER, text, 'boot-1')).to.deep.equal(expected);
      });
    }

    it('hands the kind its fields without the boot id', () => {
      const seen: Record<string, unknown>[] = [];
      const spy: StateDocument<Counter> = {
        name: 'spy.json',
        parse: (fields) => {
          seen.push(fields);
          return { ok: true, value: { count: 0 } };
        },
      };

      decodeDocument(spy, encodeDocument(spy, { count: 7 }, 'boot-1'), 'boot-1');

      expect(seen).to.deep.equal([{ count: 7 }]);
    });
  });
});
