import { expect } from 'chai';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound, readFileIfExists } from '../../../common/fs/fs.js';
import { deviceNumberOf, NodeFs } from '../../../common/fs/node-fs.js';
import { makeTree, removeTree } from '../../helpers/fs-tree.js';

/** The rejection of `promise`, or a failure when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await promise;
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('expected a rejection');
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('common/fs/node-fs', () => {
  const fs = new NodeFs();
  let root = '';

  beforeEach(async () => {
    root = await makeTree('node-fs', {
      'a/file': ' value \n',
      'a/link': { link: 'file' },
      'a/dangling': { link: 'nowhere' },
      'a/tool': '#!/bin/sh\n',
      b: { dir: true },
    });
    await chmod(join(root, 'a/tool'), 0o755);
  });

  afterEach(async () => {
    await removeTree(root);
  });

  describe('reading', () => {
    it('reads files as UTF-8, directories and links as stored', async () => {
      expect(await fs.readFile(`${root}/a/file`)).to.equal(' value \n');
      expect((await fs.readdir(`${root}/a`)).sort()).to.deep.equal(['dangling', 'file', 'link', 'tool']);
      expect(await fs.readlink(`${root}/a/link`)).to.equal('file');
    });

    it('exists follows links and never rejects', async () => {
      expect(await fs.exists(`${root}/a/link`)).to.equal(true);
      expect(await fs.exists(`${root}/b`)).to.equal(true);
      expect(await fs.exists(`${root}/a/dangling`)).to.equal(false);
      expect(await fs.exists(`${root}/missing`)).to.equal(false);
    });

    it("deviceNumber gives a device node's major:minor, null for a file, and rejects for a missing path", async () => {
      expect(await fs.deviceNumber('/dev/null')).to.equal('1:3');
      expect(await fs.deviceNumber(`${root}/a/file`)).to.equal(null);
      expect(isNotFound(await rejection(fs.deviceNumber(`${root}/missing`)))).to.equal(true);
    });

    it('identity is the same for one file by two paths, different for two, and rejects for a missing path', async () => {
      expect(await fs.identity(`${root}/a/link`)).to.equal(await fs.identity(`${root}/a/file`));
      expect(await fs.identity(`${root}/a`)).to.not.equal(await fs.identity(`${root}/b`));
      expect(await fs.identity(`${root}/a/file`)).to.match(/^\d+:\d+$/);
      expect(isNotFound(await rejection(fs.identity(`${root}/missing`)))).to.equal(true);
    });

    it('deviceNumberOf decodes Linux dev_t as glibc does, large majors and minors included', () => {
      // glibc makedev(M, m): (M & 0xfff) << 8 | (M & ~0xfff) << 32 | (m & 0xff) | (m & ~0xff) << 12
      const makedev = (major: bigint, minor: bigint): number =>
        Number(((major & 0xfffn) << 8n) | ((major & ~0xfffn) << 32n) | (minor & 0xffn) | ((minor & ~0xffn) << 12n));
      for (const [major, minor] of [
        [1n, 3n],
        [8n, 17n],
        [259n, 65536n],
        [7n, 300n],
        [4095n, 255n],
        [4096n, 1048575n],
      ] as const) {
        expect(deviceNumberOf(makedev(major, minor))).to.equal(`${major}:${minor}`);
      }
    });

    it('isExecutable is true only for an executable file, and never rejects', async () => {
      expect(await fs.isExecutable(`${root}/a/tool`)).to.equal(true);
      expect(await fs.isExecutable(`${root}/a/file`)).to.equal(false);
      expect(await fs.isExecutable(`${root}/missing`)).to.equal(false);
    });
  });

  describe('ENOENT semantics', () => {
    it('rejects with the node:fs ENOENT error for a missing path', async () => {
      for (const error of [
        await rejection(fs.readFile(`${root}/missing`)),
        await rejection(fs.readdir(`${root}/missing`)),
        await rejection(fs.readlink(`${root}/missing`)),
      ]) {
        expect(error.code).to.equal('ENOENT');
        expect(error.path).to.equal(`${root}/missing`);
        expect(isNotFound(error)).to.equal(true);
      }
    });

    it('keeps other errors apart from absence: EISDIR, EINVAL, ENOTDIR', async () => {
      const isDir = await rejection(fs.readFile(`${root}/b`));
      const notLink = await rejection(fs.readlink(`${root}/a/file`));
      const notDir = await rejection(fs.readdir(`${root}/a/file`));

      expect([isDir.code, notLink.code, notDir.code]).to.deep.equal(['EISDIR', 'EINVAL', 'ENOTDIR']);
      expect([isDir, notLink, notDir].map(isNotFound)).to.deep.equal([false, false, false]);
    });

    it('readFileIfExists: the text, null when missing, a rejection for anything else', async () => {
      expect(await readFileIfExists(fs, `${root}/a/file`)).to.equal(' value \n');
      expect(await readFileIfExists(fs, `${root}/missing`)).to.equal(null);
      expect((await rejection(readFileIfExists(fs, `${root}/b`))).code).to.equal('EISDIR');
    });
  });

  describe('writing', () => {
    it('writeNewFile creates the file with exactly its mode and refuses an existing one', async () => {
      await fs.writeNewFile(`${root}/new`, 'secret', 0o600);

      expect(await readFile(`${root}/new`, 'utf8')).to.equal('secret');
      expect(await modeOf(`${root}/new`)).to.equal(0o600);
      expect((await rejection(fs.writeNewFile(`${root}/new`, 'again', 0o600))).code).to.equal('EEXIST');
      expect(await readFile(`${root}/new`, 'utf8')).to.equal('secret');
    });

    it('writeFileAtomic replaces a world-readable file with mode 0600 and leaves no temporary file', async () => {
      await writeFile(`${root}/b/out`, 'old', { mode: 0o644 });

      await fs.writeFileAtomic(`${root}/b/out`, 'new', 0o600);

      expect(await readFile(`${root}/b/out`, 'utf8')).to.equal('new');
      expect(await modeOf(`${root}/b/out`)).to.equal(0o600);
      expect(await readdir(`${root}/b`)).to.deep.equal(['out']);
    });

    it('writeFileAtomic rejects when it cannot replace the target, and removes its temporary file', async () => {
      const missingDir = await rejection(fs.writeFileAtomic(`${root}/nope/out`, 'x', 0o600));
      const intoDir = await rejection(fs.writeFileAtomic(`${root}/b`, 'x', 0o600));

      expect(missingDir.code).to.equal('ENOENT');
      expect(intoDir.code).to.be.oneOf(['EISDIR', 'EEXIST', 'ENOTEMPTY']);
      expect(await readdir(root)).to.have.members(['a', 'b']);
      expect(await readdir(`${root}/b`)).to.deep.equal([]);
    });

    it('remove deletes a file; a missing one is not an error', async () => {
      await fs.remove(`${root}/a/file`);
      await fs.remove(`${root}/a/file`);

      expect(await fs.exists(`${root}/a/file`)).to.equal(false);
    });

    it('mkdirp creates the missing directories with the mode, and accepts existing ones', async () => {
      await fs.mkdirp(`${root}/c/d`, 0o700);
      await fs.mkdirp(`${root}/c/d`, 0o700);

      expect(await modeOf(`${root}/c`)).to.equal(0o700);
      expect(await modeOf(`${root}/c/d`)).to.equal(0o700);
    });
  });
});
