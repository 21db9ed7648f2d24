import { expect } from 'chai';
import { isNotFound, notFoundError, readFileIfExists, type Fs } from '../../../common/fs/fs.js';

/** A reader over a map; a missing key rejects as node:fs does, other keys map to an error to throw. */
function reader(files: Record<string, string | Error>): Pick<Fs, 'readFile'> {
  return {
    readFile: async (path) => {
      const entry = files[path];
      if (entry === undefined) throw notFoundError(path);
      if (entry instanceof Error) throw entry;
      return entry;
    },
  };
}

describe('common/fs/fs', () => {
  it('notFoundError looks like the ENOENT node:fs raises', () => {
    const error = notFoundError('/x/y', 'scandir');

    expect(error).to.be.instanceOf(Error);
    expect(error).to.include({ code: 'ENOENT', errno: -2, syscall: 'scandir', path: '/x/y' });
    expect(error.message).to.equal("ENOENT: no such file or directory, scandir '/x/y'");
  });

  it('isNotFound recognises only ENOENT', () => {
    expect(isNotFound(notFoundError('/a'))).to.equal(true);
    expect(isNotFound(Object.assign(new Error('denied'), { code: 'EACCES' }))).to.equal(false);
    expect(isNotFound(new Error('ENOENT in the text only'))).to.equal(false);
    expect(isNotFound(null)).to.equal(false);
    expect(isNotFound('ENOENT')).to.equal(false);
  });

  it('readFileIfExists gives the text, null for a missing file, and rejects for anything else', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const fs = reader({ '/present': 'text', '/denied': denied });

    expect(await readFileIfExists(fs, '/present')).to.equal('text');
    expect(await readFileIfExists(fs, '/missing')).to.equal(null);
    const error = await readFileIfExists(fs, '/denied').catch((e: unknown) => e);
    expect(error).to.equal(denied);
  });
});
