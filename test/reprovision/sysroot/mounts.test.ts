import { expect } from 'chai';
import { mountPoints, mountsBelow } from '../../../reprovision/sysroot/mounts.js';

const MOUNTINFO = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '80 27 8:4 /ostree/deploy/fedora-coreos/var /var rw,relatime shared:4 - xfs /dev/sda4 rw',
  '81 80 8:5 / /var/lib/containers rw - xfs /dev/sda5 rw',
  '82 80 8:6 / /var/lib/with\\040space rw - xfs /dev/sda6 rw',
  '83 27 8:3 / /boot ro - ext4 /dev/sda3 ro',
  '84 27 0:40 / /variable rw - tmpfs tmpfs rw',
  '',
].join('\n');

describe('reprovision/sysroot/mounts', () => {
  it('reads mount points, decoding octal escapes', () => {
    expect(mountPoints(MOUNTINFO)).to.deep.equal([
      '/proc',
      '/var',
      '/var/lib/containers',
      '/var/lib/with space',
      '/boot',
      '/variable',
    ]);
  });

  it('lists only mounts strictly below the directories', () => {
    expect(mountsBelow(MOUNTINFO, ['/var'])).to.deep.equal(['/var/lib/containers', '/var/lib/with space']);
    expect(mountsBelow(MOUNTINFO, ['/var/'])).to.have.length(2);
    expect(mountsBelow(MOUNTINFO, ['/boot', '/sysroot/ostree/deploy/fedora-coreos/var'])).to.deep.equal([]);
  });
});
