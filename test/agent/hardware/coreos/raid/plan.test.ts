import { expect } from 'chai';
import { DeploymentError } from '../../../../../common/errors.js';
import { parseMdstat } from '../../../../../agent/hardware/coreos/raid/mdstat.js';
import { parseDiskTree, planRaidRemoval, type DiskTreeNode } from '../../../../../agent/hardware/coreos/raid/plan.js';

interface Raw {
  name: string;
  type: string;
  mountpoint?: string | null;
  children?: Raw[];
}
const lsblk = (root: Raw): string => {
  const full = (n: Raw): unknown => ({
    name: n.name,
    kname: n.name,
    type: n.type,
    mountpoint: n.mountpoint ?? null,
    ...(n.children ? { children: n.children.map(full) } : {}),
  });
  return JSON.stringify({ blockdevices: [full(root)] });
};
const md0 = (extra: Partial<Raw> = {}): Raw => ({ name: '/dev/md0', type: 'raid1', ...extra });
const diskA = (md: Raw, p2: Raw[] = []): DiskTreeNode =>
  parseDiskTree(
    lsblk({
      name: '/dev/vda',
      type: 'disk',
      children: [
        { name: '/dev/vda1', type: 'part', children: [md] },
        { name: '/dev/vda2', type: 'part', children: p2 },
      ],
    }),
    '/dev/vda',
  );
const MDSTAT = 'md1 : active raid1 vdb3[1] vdb2[0]\nmd0 : active raid1 vdb1[1] vda1[0]\n';

describe('hardware/coreos/raid/plan', () => {
  it('stops only arrays with a member on the disk and lists the members left elsewhere', () => {
    const plan = planRaidRemoval('/dev/vda', diskA(md0()), parseMdstat(MDSTAT));

    expect(plan).to.deep.equal({
      disk: '/dev/vda',
      devices: ['/dev/vda2', '/dev/vda1', '/dev/vda'],
      arrays: [{ device: '/dev/md0', level: 'raid1', active: true, onDisk: ['/dev/vda1'], elsewhere: ['/dev/vdb1'] }],
    });
  });

  it('plans no array but still lists the disk devices when nothing is assembled', () => {
    const plan = planRaidRemoval('/dev/vda', diskA(md0()), []);

    expect(plan.arrays).to.deep.equal([]);
    expect(plan.devices).to.deep.equal(['/dev/vda2', '/dev/vda1', '/dev/vda']);
  });

  it('handles an array on the whole disk and an inactive array', () => {
    const tree = parseDiskTree(
      lsblk({ name: '/dev/sda', type: 'disk', children: [{ name: '/dev/md127', type: 'md' }] }),
      '/dev/sda',
    );

    const plan = planRaidRemoval('/dev/sda', tree, parseMdstat('md127 : inactive sdb[1](S) sda[0](S)\n'));

    expect(plan.arrays).to.deep.equal([
      { device: '/dev/md127', level: null, active: false, onDisk: ['/dev/sda'], elsewhere: ['/dev/sdb'] },
    ]);
    expect(plan.devices).to.deep.equal(['/dev/sda']);
  });

  const refusals: [string, Raw, RegExp][] = [
    ['mounted', md0({ mountpoint: '/mnt/md0' }), /\/dev\/md0 is mounted at \/mnt\/md0/],
    [
      'a mounted md partition',
      md0({ children: [{ name: '/dev/md0p1', type: 'part', mountpoint: '/var' }] }),
      /\/dev\/md0p1 is mounted at \/var/,
    ],
    ['swap', md0({ mountpoint: '[SWAP]' }), /\/dev\/md0 is in use as swap/],
    [
      'holding LVM',
      md0({ children: [{ name: '/dev/mapper/vg-root', type: 'lvm' }] }),
      /\/dev\/mapper\/vg-root \(lvm\) is built on it/,
    ],
  ];
  for (const [what, md, message] of refusals) {
    it(`refuses an array on the disk that is ${what}`, () => {
      const error = (() => {
        try {
          planRaidRemoval('/dev/vda', diskA(md), parseMdstat(MDSTAT));
          return null;
        } catch (e) {
          return e;
        }
      })();

      expect(error).to.be.instanceOf(DeploymentError);
      expect((error as DeploymentError).details).to.match(
        /^Cannot install on \/dev\/vda: software RAID array \/dev\/md0 \(members \/dev\/vda1, \/dev\/vdb1\) is in use: /,
      );
      expect((error as DeploymentError).details).to.match(message);
      expect((error as DeploymentError).details).to.match(/nothing was changed$/);
    });
  }

  it('refuses an array that is itself a member of another array', () => {
    const mdstat = 'md5 : active raid1 md0[1] vdc1[0]\nmd0 : active raid1 vdb1[1] vda1[0]\n';

    expect(() => planRaidRemoval('/dev/vda', diskA(md0()), parseMdstat(mdstat))).to.throw(
      DeploymentError,
      /member of array \/dev\/md5/,
    );
  });

  it('ignores arrays with no member on the disk', () => {
    const plan = planRaidRemoval(
      '/dev/vda',
      diskA(md0(), []),
      parseMdstat(`${MDSTAT}md9 : active raid1 vdc1[0] vdd1[1]\n`),
    );

    expect(plan.arrays.map((a) => a.device)).to.deep.equal(['/dev/md0']);
  });

  it('refuses lsblk output that does not describe the disk', () => {
    expect(() => parseDiskTree('{"blockdevices":[]}', '/dev/vda')).to.throw(
      DeploymentError,
      'lsblk did not describe /dev/vda',
    );
  });
});
