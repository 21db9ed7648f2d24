import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseExamine, type ExamineResult } from '../../../../../agent/hardware/coreos/raid/examine.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../fixtures/mdadm/${name}`, import.meta.url), 'utf8');

describe('hardware/coreos/raid/examine', () => {
  const cases: [string, number | null, string, string, ExamineResult | null][] = [
    [
      'a RAID1 member (captured)',
      0,
      fixture('examine-member.txt'),
      '',
      { superblock: true, arrayUuid: 'a51e17fb:e9fec34e:3f211c10:60423bb4', name: '(none):mirror' },
    ],
    [
      'a partition without a superblock (captured, exit 1)',
      1,
      '',
      fixture('examine-no-superblock.txt'),
      { superblock: false },
    ],
    [
      'a GPT disk: exit 0 but only the protective MBR (captured)',
      0,
      fixture('examine-gpt-disk.txt'),
      '',
      { superblock: false },
    ],
    [
      '0.90 metadata (UUID instead of Array UUID, no Name)',
      0,
      '/dev/sdb1:\n          Magic : a92b4efc\n        Version : 0.90.00\n           UUID : 3aaa0122:29827cfa:5331ad66:ca767371\n',
      '',
      { superblock: true, arrayUuid: '3aaa0122:29827cfa:5331ad66:ca767371', name: null },
    ],
    [
      'an IMSM container member',
      0,
      '/dev/sda:\n          Magic : Intel Raid ISM Cfg Sig.\n        Version : 1.3.00\n',
      '',
      { superblock: true, arrayUuid: null, name: null },
    ],
    ['another failure (cannot open)', 1, '', 'mdadm: cannot open /dev/sdx: No such file or directory\n', null],
  ];
  for (const [name, code, stdout, stderr, expected] of cases) {
    it(`reads ${name}`, () => {
      expect(parseExamine(code, stdout, stderr)).to.deep.equal(expected);
    });
  }
});
