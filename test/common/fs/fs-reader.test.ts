import { expect } from 'chai';
import { readdirOrEmpty, readTrimmed } from '../../../common/fs/fs-reader.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { makeTree, removeTree } from '../../helpers/fs-tree.js';

describe('common/fs/fs-reader', () => {
  let root = '';

  before(async () => {
    root = await makeTree('fs-reader', { 'a/file': ' value \n', 'a/empty': '\n', b: { dir: true } });
  });

  after(async () => {
    await removeTree(root);
  });

  it('readTrimmed and readdirOrEmpty turn absence into null / []', async () => {
    const fs = new NodeFs();

    expect(await readTrimmed(fs, `${root}/a/file`)).to.equal('value');
    expect(await readTrimmed(fs, `${root}/a/empty`)).to.equal(null);
    expect(await readTrimmed(fs, `${root}/missing`)).to.equal(null);
    expect(await readdirOrEmpty(fs, `${root}/b`)).to.deep.equal([]);
    expect(await readdirOrEmpty(fs, `${root}/missing`)).to.deep.equal([]);
  });
});
