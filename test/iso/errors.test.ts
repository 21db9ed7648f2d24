import { expect } from 'chai';
import { errorChain, formatErrorChain, IsoError, withContext, withContextSync } from '../../iso/errors.js';

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

  it('formats a single error as its message and a chain as anyhow does', () => {
    const chain = new IsoError('top', { cause: new IsoError('middle', { cause: new Error('bottom') }) });

    expect(formatErrorChain(new IsoError('alone'))).to.equal('alone');
    expect(formatErrorChain(new IsoError('top', { cause: 'why' }))).to.equal('top\n\nCaused by:\n    why');
    expect(formatErrorChain(chain)).to.equal('top\n\nCaused by:\n    0: middle\n    1: bottom');
    expect(errorChain(chain)).to.deep.equal(['top', 'middle', 'bottom']);
  });
});
