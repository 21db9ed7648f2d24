import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { packageVersion } from '../../../common/cli/version.js';

describe('common/cli/version', () => {
  it("is package.json's version (test/package/npm-pack.test.ts checks the built dist/ copy)", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };

    expect(await packageVersion())
      .to.equal(pkg.version)
      .and.not.equal('0.0.0');
  });
});
