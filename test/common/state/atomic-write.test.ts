import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '../../../common/state/atomic-write.js';

describe('common/state/atomic-write', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes exactly the mode asked for, whatever the umask', () => {
    const previous = process.umask(0o077);
    try {
      writeFileAtomic(join(dir, 'a'), 'x', 0o644);
    } finally {
      process.umask(previous);
    }

    expect(statSync(join(dir, 'a')).mode & 0o777).to.equal(0o644);
  });

  it('replaces an existing file with a new inode and the new content', () => {
    const file = join(dir, 'a');
    writeFileSync(file, 'old');
    const before = statSync(file).ino;

    writeFileAtomic(file, 'new', 0o600);

    expect(readFileSync(file, 'utf8')).to.equal('new');
    expect(statSync(file).ino).not.to.equal(before);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
  });

  it('throws and leaves no temporary file when the rename fails', () => {
    const target = join(dir, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), '');

    expect(() => writeFileAtomic(target, 'x', 0o600)).to.throw();
    expect(readdirSync(dir)).to.deep.equal(['busy']);
  });

  it('creates private directories and tightens existing ones', () => {
    const nested = join(dir, 'a', 'b');
    mkdirSync(nested, { recursive: true, mode: 0o755 });

    ensurePrivateDir(nested);

    expect(statSync(nested).mode & 0o777).to.equal(0o700);
  });
});
