import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateDocument } from '../../../common/state/boot-state-store.js';
import { NodeStateFs } from '../../../common/state/state-fs.js';
import { bootStateStore } from '../../helpers/boot-state.js';

interface Note {
  text: string;
}

const NOTE: StateDocument<Note> = {
  name: 'note.json',
  parse: (fields) =>
    typeof fields['text'] === 'string' ? { ok: true, value: { text: fields['text'] } } : { ok: false, problem: 'text' },
};

/** The process "dies" at the rename: the temporary file is written and flushed, nothing is cleaned up. */
class CrashAtRename extends NodeStateFs {
  override rename(): void {
    throw new Error('crash');
  }
  override remove(): void {
    // a dead process removes nothing
  }
}

describe('common/state/boot-state-store', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cfg-boot-state-'));
    dir = join(root, 'run', 'agent');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads back what it wrote in the same boot, from another instance too', () => {
    bootStateStore(dir).write(NOTE, { text: 'hello' });

    expect(bootStateStore(dir).read(NOTE)).to.deep.equal({ kind: 'found', value: { text: 'hello' } });
    expect(readFileSync(join(dir, 'note.json'), 'utf8')).to.equal('{"bootId":"boot-1","text":"hello"}\n');
  });

  it('ignores a document written during another boot, and replaces it on the next write', () => {
    bootStateStore(dir, 'boot-1').write(NOTE, { text: 'old' });
    const rebooted = bootStateStore(dir, 'boot-2');

    expect(rebooted.read(NOTE)).to.deep.equal({ kind: 'other-boot' });
    rebooted.write(NOTE, { text: 'new' });
    expect(rebooted.read(NOTE)).to.deep.equal({ kind: 'found', value: { text: 'new' } });
  });

  it('says absent when nothing was written', () => {
    expect(bootStateStore(dir).read(NOTE)).to.deep.equal({ kind: 'absent' });
  });

  it('writes documents 0600 in a directory forced to 0700, whatever the umask', () => {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const previous = process.umask(0);
    try {
      bootStateStore(dir).write(NOTE, { text: 'x' });
    } finally {
      process.umask(previous);
    }

    expect(statSync(join(dir, 'note.json')).mode & 0o777).to.equal(0o600);
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
  });

  it('reports a corrupt file without touching it, and replaces it on the next write', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'note.json'), '{"bootId":"boot-1","text":"sec');
    const store = bootStateStore(dir);

    expect(store.read(NOTE)).to.deep.equal({ kind: 'corrupt' });
    expect(readFileSync(join(dir, 'note.json'), 'utf8')).to.equal('{"bootId":"boot-1","text":"sec');
    store.write(NOTE, { text: 'fresh' });
    expect(store.read(NOTE)).to.deep.equal({ kind: 'found', value: { text: 'fresh' } });
  });

  it('reports an invalid document with the problem its kind names', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'note.json'), '{"bootId":"boot-1","text":1}');

    expect(bootStateStore(dir).read(NOTE)).to.deep.equal({ kind: 'invalid', problem: 'text' });
  });

  it('reports a file it cannot read with the error code', () => {
    mkdirSync(join(dir, 'note.json'), { recursive: true });

    expect(bootStateStore(dir).read(NOTE)).to.deep.equal({ kind: 'unreadable', code: 'EISDIR' });
  });

  describe('a crash between writing the temporary file and the rename', () => {
    it('leaves the previous document intact and readable', () => {
      bootStateStore(dir).write(NOTE, { text: 'before' });

      expect(() => bootStateStore(dir, 'boot-1', new CrashAtRename()).write(NOTE, { text: 'after' })).to.throw('crash');

      expect(bootStateStore(dir).read(NOTE)).to.deep.equal({ kind: 'found', value: { text: 'before' } });
      const stray = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
      expect(stray).to.have.length(1);
      expect(readFileSync(join(dir, stray[0] ?? ''), 'utf8')).to.equal('{"bootId":"boot-1","text":"after"}\n');
    });

    it('does not break the next write, however many temporary files were left', () => {
      bootStateStore(dir).write(NOTE, { text: 'before' });
      const crashing = bootStateStore(dir, 'boot-1', new CrashAtRename());
      for (let i = 0; i < 3; i++) expect(() => crashing.write(NOTE, { text: `lost ${i}` })).to.throw('crash');

      bootStateStore(dir).write(NOTE, { text: 'after' });

      expect(bootStateStore(dir).read(NOTE)).to.deep.equal({ kind: 'found', value: { text: 'after' } });
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.have.length(3);
    });

    it('removes its temporary file when the process survives the failure', () => {
      class FailingRename extends NodeStateFs {
        override rename(): void {
          throw new Error('EXDEV');
        }
      }
      bootStateStore(dir).write(NOTE, { text: 'before' });

      expect(() => bootStateStore(dir, 'boot-1', new FailingRename()).write(NOTE, { text: 'after' })).to.throw('EXDEV');

      expect(readdirSync(dir)).to.deep.equal(['note.json']);
    });
  });

  describe('without a boot id', () => {
    it('trusts no document, refuses to write, and asks the reader only once', () => {
      bootStateStore(dir).write(NOTE, { text: 'kept' });
      let asked = 0;
      const store = bootStateStore(dir, () => {
        asked += 1;
        throw new Error('no /proc');
      });

      expect(store.read(NOTE)).to.deep.equal({ kind: 'no-boot-id' });
      expect(() => store.write(NOTE, { text: 'x' })).to.throw('no /proc');
      expect(store.read(NOTE)).to.deep.equal({ kind: 'no-boot-id' });
      expect(asked).to.equal(1);
      expect(bootStateStore(dir).read(NOTE)).to.deep.equal({ kind: 'found', value: { text: 'kept' } });
    });
  });

  it('removes a document; removing a missing one is fine', () => {
    const store = bootStateStore(dir);
    store.write(NOTE, { text: 'x' });

    store.remove(NOTE);
    store.remove(NOTE);

    expect(store.read(NOTE)).to.deep.equal({ kind: 'absent' });
  });

  it('writes companion files atomically with their own mode, and reads them back (null when missing)', () => {
    const store = bootStateStore(dir);

    store.writeFile('agent.crt', 'PEM', 0o644);

    expect(store.readFile('agent.crt')).to.equal('PEM');
    expect(store.readFile('agent.key')).to.equal(null);
    expect(statSync(store.path('agent.crt')).mode & 0o777).to.equal(0o644);
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
  });

  describe('a subdirectory', () => {
    it('keeps its documents 0600 in its own 0700 directory, under the same boot id', () => {
      let asked = 0;
      const store = bootStateStore(dir, () => {
        asked += 1;
        return 'boot-1';
      });
      store.write(NOTE, { text: 'top' });
      const sub = store.subdirectory('notes');

      sub.write(NOTE, { text: 'inside' });

      expect(bootStateStore(join(dir, 'notes')).read(NOTE)).to.deep.equal({ kind: 'found', value: { text: 'inside' } });
      expect(bootStateStore(join(dir, 'notes'), 'boot-2').read(NOTE)).to.deep.equal({ kind: 'other-boot' });
      expect(store.read(NOTE)).to.deep.equal({ kind: 'found', value: { text: 'top' } });
      expect(statSync(join(dir, 'notes')).mode & 0o777).to.equal(0o700);
      expect(statSync(join(dir, 'notes', 'note.json')).mode & 0o777).to.equal(0o600);
      expect(asked).to.equal(1);
    });

    it('lists its files without the temporary ones a crash left, and nothing before the first write', () => {
      const sub = bootStateStore(dir).subdirectory('notes');
      expect(sub.list()).to.deep.equal([]);
      sub.write(NOTE, { text: 'kept' });
      expect(() =>
        bootStateStore(join(dir, 'notes'), 'boot-1', new CrashAtRename()).write(NOTE, { text: 'lost' }),
      ).to.throw('crash');

      expect(readdirSync(join(dir, 'notes'))).to.have.length(2);
      expect(sub.list()).to.deep.equal(['note.json']);
    });
  });
});
