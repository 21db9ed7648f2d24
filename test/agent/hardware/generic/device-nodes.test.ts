import { expect } from 'chai';
import { ensureDeviceNodes, nodeAction, type NodeAction } from '../../../../agent/hardware/generic/device-nodes.js';
import type { BlockDevice } from '../../../../agent/hardware/types.js';
import { notFoundError } from '../../../../common/fs/fs.js';
import type { FsReader } from '../../../../common/fs/fs-reader.js';
import { FakeRunner } from '../../../helpers/fake-runner.js';
import { createTestLogger } from '../../../helpers/logger.js';

/** A /dev and sysfs of plain maps: path to major:minor (null: a file that is no device node). */
function fakeFs(nodes: Record<string, string | null>, sysfs: Record<string, string>): FsReader {
  return {
    readFile: async (path) => {
      const value = sysfs[path];
      if (value === undefined) throw notFoundError(path);
      return `${value}\n`;
    },
    readdir: async () => [],
    readlink: async (path) => {
      throw notFoundError(path);
    },
    exists: async (path) => path in nodes,
    deviceNumber: async (path) => {
      const value = nodes[path];
      if (value === undefined) throw notFoundError(path);
      return value;
    },
  };
}

const disk = (partitions: string[]): BlockDevice =>
  ({ name: '/dev/loop7', partitions: partitions.map((name) => ({ name })) }) as unknown as BlockDevice;

describe('agent/hardware/generic/device-nodes', () => {
  it('nodeAction: create the missing, keep the matching, replace the stale, leave what is no device', () => {
    const table: [boolean, string | null | undefined, NodeAction][] = [
      [false, undefined, 'create'],
      [true, '259:3', 'keep'],
      [true, undefined, 'keep'],
      [true, '259:1', 'replace'],
      [true, null, 'not-a-device'],
    ];
    for (const [present, current, action] of table) expect(nodeAction(present, current, '259:3')).to.equal(action);
  });

  it('creates a missing partition node and replaces one whose number sysfs gives another device now', async () => {
    const runner = new FakeRunner().expect(
      { match: ['rm', '-f', '/dev/loop7p1'] },
      { match: ['mknod', '-m', '0660', '/dev/loop7p1', 'b', '259', '4'] },
      { match: ['mknod', '-m', '0660', '/dev/loop7p2', 'b', '259', '5'] },
    );
    const { logger, memory } = createTestLogger();
    const fs = fakeFs(
      { '/dev/loop7': '7:7', '/dev/loop7p1': '259:0' },
      {
        '/sys/class/block/loop7/dev': '7:7',
        '/sys/class/block/loop7p1/dev': '259:4',
        '/sys/class/block/loop7p2/dev': '259:5',
      },
    );
    await ensureDeviceNodes([disk(['/dev/loop7p1', '/dev/loop7p2'])], { runner, fs, logger });
    expect(runner.calls.map((c) => c.argv.join(' '))).to.deep.equal([
      'rm -f /dev/loop7p1',
      'mknod -m 0660 /dev/loop7p1 b 259 4',
      'mknod -m 0660 /dev/loop7p2 b 259 5',
    ]);
    expect(memory.text()).to.include('stale device node');
  });

  it('never removes a /dev entry that is no device node, and runs nothing when every node matches', async () => {
    const runner = new FakeRunner();
    const { logger } = createTestLogger();
    const fs = fakeFs(
      { '/dev/loop7': '7:7', '/dev/loop7p1': null },
      { '/sys/class/block/loop7/dev': '7:7', '/sys/class/block/loop7p1/dev': '259:4' },
    );
    await ensureDeviceNodes([disk(['/dev/loop7p1'])], { runner, fs, logger });
    expect(runner.calls).to.deep.equal([]);
  });
});
