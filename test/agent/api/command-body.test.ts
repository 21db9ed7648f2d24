import { expect } from 'chai';
import { MAX_JSON_DEPTH, jsonDepthExceeds, parseCommandBody } from '../../../agent/api/command-body.js';
import { HttpFault } from '../../../agent/api/faults.js';

describe('api/command-body', () => {
  describe('jsonDepthExceeds', () => {
    const cases: Array<[string, number, boolean]> = [
      ['{}', 1, false],
      ['{"a": [1, {"b": []}]}', 4, false],
      ['{"a": [1, {"b": []}]}', 3, true],
      ['{"s": "[[[[[[{{{{"}', 1, false],
      ['{"s": "quote \\" then [[[["}', 1, false],
      ['{"s": "backslash \\\\", "t": [[]]}', 2, true],
      ['[[]] [[]]', 2, false],
      ['"[[[', 1, false],
      ['', 1, false],
    ];
    for (const [text, limit, expected] of cases) {
      it(`${JSON.stringify(text)} over ${limit}: ${expected}`, () => {
        expect(jsonDepthExceeds(text, limit)).to.equal(expected);
      });
    }

    it('scans 200,000 levels without recursion', () => {
      expect(jsonDepthExceeds(`${'['.repeat(200_000)}${']'.repeat(200_000)}`, MAX_JSON_DEPTH)).to.equal(true);
    });
  });

  describe('parseCommandBody', () => {
    it('returns name and params', () => {
      expect(parseCommandBody('{"name": "a.b", "params": {"x": [1]}}')).to.deep.equal({
        name: 'a.b',
        params: { x: [1] },
      });
    });

    it('refuses nesting over the limit before parsing, naming the limit', () => {
      const text = `{"name": "a.b", "params": {"v": ${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}}`;

      expect(() => parseCommandBody(text)).to.throw(
        HttpFault,
        `400 Bad Request: The request body nests JSON deeper than ${MAX_JSON_DEPTH} levels`,
      );
    });
  });
});
