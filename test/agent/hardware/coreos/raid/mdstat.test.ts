import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseMdstat, type MdArray } from '../../../../../agent/hardware/coreos/raid/mdstat.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../fixtures/mdadm/${name}`, import.meta.url), 'utf8');

describe('hardware/coreos/raid/mdstat', () => {
  const cases: [string, string, MdArray[]][] = [
    [
      'two active RAID1 arrays (captured)',
      fixture('mdstat-two-arrays.txt'),
      [
        {
          kname: 'md1',
          active: true,
          level: 'raid1',
          members: [
            { kname: 'vdb3', slot: 1, flags: [] },
            { kname: 'vdb2', slot: 0, flags: [] },
          ],
        },
        {
          kname: 'md0',
          active: true,
          level: 'raid1',
          members: [
            { kname: 'vdb1', slot: 1, flags: [] },
            { kname: 'vda1', slot: 0, flags: [] },
          ],
        },
      ],
    ],
    [
      'a degraded array (captured)',
      fixture('mdstat-degraded.txt').split('\n').slice(0, 3).join('\n'),
      [{ kname: 'md0', active: true, level: 'raid1', members: [{ kname: 'vdb1', slot: 1, flags: [] }] }],
    ],
    ['no arrays', 'Personalities : \nunused devices: <none>\n', []],
    ['empty (no md driver)', '', []],
    [
      'an inactive array with a spare',
      'md127 : inactive sda2[0](S)\n      1046528 blocks super 1.2\n',
      [{ kname: 'md127', active: false, level: null, members: [{ kname: 'sda2', slot: 0, flags: ['S'] }] }],
    ],
    [
      'auto-read-only, NVMe, faulty and write-mostly members',
      'md126 : active (auto-read-only) raid1 nvme1n1p2[1](W)(F) nvme0n1p2[0]\n      [=>...]  resync =  5.0%\n',
      [
        {
          kname: 'md126',
          active: true,
          level: 'raid1',
          members: [
            { kname: 'nvme1n1p2', slot: 1, flags: ['W', 'F'] },
            { kname: 'nvme0n1p2', slot: 0, flags: [] },
          ],
        },
      ],
    ],
    [
      'a read-only linear array on whole disks',
      'md_d0 : active (read-only) linear sdc[1] sdb[0]\n',
      [
        {
          kname: 'md_d0',
          active: true,
          level: 'linear',
          members: [
            { kname: 'sdc', slot: 1, flags: [] },
            { kname: 'sdb', slot: 0, flags: [] },
          ],
        },
      ],
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(`parses ${name}`, () => {
      expect(parseMdstat(text)).to.deep.equal(expected);
    });
  }
});
