import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempName, writeFileAtomic } from '../../../common/state/atomic-write.js';
import { NodeStateFs, type StateFs } from '../../../common/state/state-fs.js';

/** node:fs, recording the calls made. */
class RecordingFs extends NodeStateFs {
  readonly calls: string[] = [];
  override writeNewFile(path: string, data: string, mode: number): void {
    this.calls.push(`writeNewFile ${path.slice(path.lastIndexOf('/') + 1)}`);
    super.writeNewFile(path, data, mode);
  }
  override rename(from: string, to: string): void {
    this.calls.push(`rename ${to.slice(to.lastIndexOf('/') + 1)}`);
    super.rename(from, to);
  }
  override syncDir(path: string): void {
    this.calls.push('syncDir');
    super.syncDir(path);
  }
}

describe('common/state/atomic-write', () => {
  let dir: string;
  const fs: StateFs = new NodeStateFs();
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes exactly the mode asked for, whatever the umask', () => {
    const previous = process.umask(0o077);
    try {
      writeFileAtomic(fs, join(dir, 'a'), 'x', 0o644);
    } finally {
      process.umask(previous);
    }

    expect(statSync(join(dir, 'a')).mode & 0o777).to.equal(0o644);
  });

  it('replaces an existing file with a new inode and the new content', () => {
    const file = join(dir, 'a');
    writeFileSync(file, 'old');
    const before = statSync(file).ino;

    writeFileAtomic(fs, file, 'new', 0o600);

    expect(readFileSync(file, 'utf8')).to.equal('new');
    expect(statSync(file).ino).not.to.equal(before);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
  });

  it('writes and flushes a temporary file, renames it over the target, then flushes the directory', () => {
    const recording = new RecordingFs();

    writeFileAtomic(recording, join(dir, 'a'), 'x', 0o600);

    expect(recording.calls).to.have.length(3);
    expect(recording.calls[0]).to.match(/^writeNewFile \.a\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(recording.calls.slice(1)).to.deep.equal(['rename a', 'syncDir']);
  });

  it('throws and leaves no temporary file when the rename fails', () => {
    const target = join(dir, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), '');

    expect(() => writeFileAtomic(fs, target, 'x', 0o600)).to.throw();
    expect(readdirSync(dir)).to.deep.equal(['busy']);
  });

  it('names each temporary file differently, so a stray one never blocks a write', () => {
    expect(tempName('a')).not.to.equal(tempName('a'));
    expect(tempName('commands.json')).to.match(new RegExp(`^\\.commands\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
  });
});
