import { expect } from 'chai';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { testbedUnavailableReason } from '../../testbed/host.js';
import { attachLoopDisk, detachLoopDisk, type LoopDisk } from '../../testbed/loop-disks.js';
import {
  changedDisks,
  contentChanges,
  diskDigest,
  parseDigest,
  partitionSpans,
  placeOf,
  type DiskDigest,
} from './disk-digest.js';
import { partitionWithFilesystems } from './disks.js';

const MIB = 1024 * 1024;
const SHA = (c: string): string => c.repeat(64);

describe('e2e/disk-digest (pure)', () => {
  const digest = (sha: string, runs: [number, number, string][]): DiskDigest => ({
    device: '/dev/loop9',
    sha256: SHA(sha),
    allocated: 0,
    runs: runs.map(([offset, length, c]) => ({ offset, length, sha256: SHA(c) })),
  });

  it('parses the walk: a run per line, then the digest; anything else is an error', () => {
    const parsed = parseDigest(
      '/dev/loop9',
      `run 0 4096 ${SHA('a')}\nrun 8192 4096 ${SHA('b')}\ndigest ${SHA('c')} 12288\n`,
    );
    expect(parsed).to.deep.equal({
      ...digest('c', [
        [0, 4096, 'a'],
        [8192, 4096, 'b'],
      ]),
      allocated: 12288,
    });
    expect(() => parseDigest('/dev/loop9', `run 0 4096 ${SHA('a')}\n`)).to.throw('printed no digest');
    expect(() => parseDigest('/dev/loop9', `Traceback (most recent call last):\ndigest ${SHA('c')} 0`)).to.throw(
      'Unexpected line from the content walk of /dev/loop9: Traceback',
    );
  });

  it('places an offset on its partition', () => {
    const spans = [{ name: 'loop9p1', start: MIB, size: 64 * MIB }];
    for (const [offset, text] of [
      [0, 'offset 0 MiB'],
      [17 * MIB, 'offset 17 MiB (loop9p1 + 16 MiB)'],
      [65 * MIB, 'offset 65 MiB'],
      [MIB + 2048, 'offset 1.002 MiB (loop9p1 + 0.002 MiB)'],
    ] as const)
      expect(placeOf(offset, spans), String(offset)).to.equal(text);
  });

  it('reports the runs that are gone, new or different, and nothing for equal contents', () => {
    const before = digest('1', [
      [0, 4096, 'a'],
      [MIB, 8192, 'b'],
    ]);
    expect(contentChanges(before, digest('1', [[0, 4096, 'a']]))).to.deep.equal([]);
    expect(
      contentChanges(
        before,
        digest('2', [
          [0, 4096, 'a'],
          [MIB, 8192, 'c'],
          [2 * MIB, 4096, 'd'],
        ]),
      ),
    ).to.deep.equal([
      'was 8192 bytes at offset 1 MiB',
      'now 8192 bytes at offset 1 MiB',
      'now 4096 bytes at offset 2 MiB',
    ]);
    expect(changedDisks({ '/dev/loop9': before }, { '/dev/loop9': digest('2', []) }, [])).to.equal(
      '/dev/loop9 changed:\n  was 4096 bytes at offset 0 MiB\n  was 8192 bytes at offset 1 MiB',
    );
    expect(changedDisks({ '/dev/loop9': before }, { '/dev/loop9': digest('2', []) }, ['/dev/loop9'])).to.equal('');
  });
});

describe('e2e/disk-digest (sparse loop disk)', function () {
  this.timeout(60_000);
  const runner = new ExecaRunner();
  let dir: string;
  let disk: LoopDisk | undefined;

  before(async function () {
    if (testbedUnavailableReason() !== undefined) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'dep-digest-'));
    disk = await attachLoopDisk(runner, dir, 0, 2);
  });
  after(async () => {
    if (disk !== undefined) await detachLoopDisk(runner, disk);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Write through the loop device (as the agent and the installer do). */
  const write = (offset: number, bytes: Buffer): void => {
    const fd = openSync(disk!.device, 'r+');
    try {
      writeSync(fd, bytes, 0, bytes.length, offset);
    } finally {
      closeSync(fd);
    }
  };
  /** Read the whole disk through the loop device, as a probe that reads everything would. */
  const readAll = (): void => {
    const fd = openSync(disk!.device, 'r');
    const buffer = Buffer.alloc(8 * MIB);
    try {
      for (let offset = 0; readSync(fd, buffer, 0, buffer.length, offset) > 0; offset += buffer.length);
    } finally {
      closeSync(fd);
    }
  };

  it('changes with every write of data, with zeros over data and with a discard of data, not with zeros over zeros', async () => {
    const empty = await diskDigest(disk!);
    write(MIB, Buffer.from('previous life'));
    const data = await diskDigest(disk!);
    write(2 * 1024 * MIB - 4096, Buffer.alloc(4096));
    const zerosOverZeros = await diskDigest(disk!);
    write(MIB, Buffer.alloc(4096));
    const zerosOverData = await diskDigest(disk!);
    write(MIB, Buffer.from('another life'));
    const again = await diskDigest(disk!);
    await runner.run(['fallocate', '--punch-hole', '--offset', String(MIB), '--length', '4096', disk!.image]);
    const discarded = await diskDigest(disk!);

    expect(empty.runs).to.deep.equal([]);
    expect(data.runs.map((r) => [r.offset, r.length])).to.deep.equal([[MIB, 4096]]);
    expect(zerosOverZeros.sha256).to.equal(data.sha256);
    expect(zerosOverData.sha256).to.equal(empty.sha256);
    expect(new Set([empty.sha256, data.sha256, again.sha256]).size).to.equal(3);
    expect(discarded.sha256).to.equal(empty.sha256);
  });

  it('stays the same when the whole disk is read after mkfs.ext4 left unwritten extents in the image', async () => {
    await partitionWithFilesystems(disk!.device);
    const before = await diskDigest(disk!);
    readAll();
    // Drop the image's clean pages (only this file's), as memory pressure would.
    const drop = 'import os, sys; os.posix_fadvise(os.open(sys.argv[1], os.O_RDONLY), 0, 0, os.POSIX_FADV_DONTNEED)';
    await runner.run(['python3', '-c', drop, disk!.image]);
    const dropped = await diskDigest(disk!);
    readAll();
    const after = await diskDigest(disk!);

    expect(before.runs.length).to.be.greaterThan(2);
    expect(contentChanges(before, after), 'a read changed the digest').to.deep.equal([]);
    expect(contentChanges(before, dropped), 'the page cache changed the digest').to.deep.equal([]);
    const spans = partitionSpans(disk!.device);
    // Through the partition, kept open: the bytes sit in the partition's own page cache until the digest flushes it.
    const fd = openSync(`/dev/${spans[0]!.name}`, 'r+');
    try {
      writeSync(fd, Buffer.from('a write into the data partition'), 0, undefined, 50 * MIB);
      const changes = contentChanges(before, await diskDigest(disk!), spans);
      expect(changes.join('\n')).to.contain(`now 4096 bytes at offset 51 MiB (${spans[0]!.name} + 50 MiB)`);
    } finally {
      closeSync(fd);
    }
  });
});
