import { expect } from 'chai';
import { configSha256 } from '../../ignition/hash.js';

describe('ignition/hash', () => {
  it('hashes the exact UTF-8 bytes (sha256sum of the file)', () => {
    expect(configSha256('')).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(configSha256('é\n')).to.not.equal(configSha256('é'));
  });
});
