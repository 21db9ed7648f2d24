import { expect } from 'chai';
import { IsoError, withContext, withContextSync } from '../../iso/errors.js';

describe('iso/errors', () => {
  it('wraps failures in context, keeping the original as cause', async () => {
    const inner = new Error('disk on fire');

    const error = await withContext('reading thing', () => Promise.reject(inner)).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(IsoError);
    expect((error as Error).cause).to.equal(inner);
    expect(() =>
      withContextSync('outer', () => {
        throw new Error('inner');
      }),
    ).to.throw(IsoError, 'outer');
  });
});
