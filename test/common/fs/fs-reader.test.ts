import { expect } from 'chai';
import { NodeFsReader, readdirOrEmpty, readTrimmed } from '../../../common/fs/fs-reader.js';
import { makeTree, removeTree } from '../../helpers/fs-tree.js';

describe('util/fs-reader', () => {
  let root = '';

  before(async () => {
    root = await makeTree('hints-fsreader', {
      'a/file': ' value \n',
      'a/empty': '\n',
      'a/link': { link: 'file' },
      b: { dir: true },
    });
  });

  after(async () => {
    await removeTree(root);
  });

  it('reads files, directories and links with node:fs', async () => {
    const fs = new NodeFsReader();

    expect(await fs.readFile(`${root}/a/file`)).to.equal(' value \n');
    expect((await fs.readdir(`${root}/a`)).sort()).to.deep.equal(['empty', 'file', 'link']);
    expect(await fs.readlink(`${root}/a/link`)).to.equal('file');
    expect(await fs.exists(`${root}/a/link`)).to.equal(true);
    expect(await fs.exists(`${root}/missing`)).to.equal(false);
  });

  it('rejects with the Node error for missing paths', async () => {
    let code: unknown;
    try {
      await new NodeFsReader().readFile(`${root}/missing`);
    } catch (error) {
      code = (error as NodeJS.ErrnoException).code;
    }

    expect(code).to.equal('ENOENT');
  });

  it('readTrimmed and readdirOrEmpty turn absence into null / []', async () => {
    const fs = new NodeFsReader();

    expect(await readTrimmed(fs, `${root}/a/file`)).to.equal('value');
    expect(await readTrimmed(fs, `${root}/a/empty`)).to.equal(null);
    expect(await readTrimmed(fs, `${root}/missing`)).to.equal(null);
    expect(await readdirOrEmpty(fs, `${root}/b`)).to.deep.equal([]);
    expect(await readdirOrEmpty(fs, `${root}/missing`)).to.deep.equal([]);
  });
});
