import { expect } from 'chai';
import { errorText } from '../../../../agent/inspection/collectors/error-text.js';

describe('inspection/collectors/error-text', () => {
  const table: Array<[string, unknown, string]> = [
    ['an Error gives its message', new Error('lshw: not found'), 'lshw: not found'],
    ['a string is kept', 'timed out', 'timed out'],
    ['anything else is stringified', 42, '42'],
    ['undefined', undefined, 'undefined'],
  ];
  for (const [what, thrown, text] of table) it(what, () => expect(errorText(thrown)).to.equal(text));
});
