import { expect } from 'chai';
import { DeploymentError } from '../../../../common/errors.js';
import { checkSelectedDisk } from '../../../../agent/hardware/coreos/disk-match.js';
import type { DiskIdentity } from '../../../../agent/hardware/coreos/stamp.js';
import type { BlockDevice } from '../../../../agent/hardware/types.js';

const DEVICE: BlockDevice = {
  name: '/dev/sda',
  model: null,
  size: 480103981056,
  rotational: false,
  wwn: '0x5002538e4',
  serial: 'S4EVNX0N',
  vendor: null,
  wwn_with_extension: null,
  wwn_vendor_extension: null,
  hctl: null,
  by_path: null,
  logical_sectors: 512,
  physical_sectors: 512,
  tran: 'sata',
  all_serials: ['S4EVNX0N', 'Samsung_SSD_860_S4EVNX0N'],
  all_wwns: ['0x5002538e4'],
};
const DISK: DiskIdentity = { path: '/dev/sda', size: 480103981056, serial: 'S4EVNX0N', wwn: '0x5002538e4' };

describe('hardware/coreos/disk-match checkSelectedDisk', () => {
  const passes: [string, Partial<DiskIdentity>, Partial<BlockDevice>][] = [
    ['the same disk', {}, {}],
    ['a serial among all_serials', { serial: 'Samsung_SSD_860_S4EVNX0N' }, {}],
    ['a serial differing only in case and spaces', { serial: ' s4evnx0n ' }, {}],
    ['no serial or wwn read by path', { serial: null, wwn: null }, {}],
    ['no serial or wwn known for the device', {}, { serial: null, all_serials: [], wwn: null, all_wwns: [] }],
  ];
  for (const [name, disk, device] of passes) {
    it(`passes for ${name}`, () =>
      expect(() => checkSelectedDisk({ ...DEVICE, ...device }, { ...DISK, ...disk })).not.to.throw());
  }

  const failures: [string, Partial<DiskIdentity>][] = [
    ['another size', { size: 1000204886016 }],
    ['another serial', { serial: 'OTHER' }],
    ['another wwn', { wwn: '0x5000c500' }],
    ['another path', { path: '/dev/sdb' }],
  ];
  for (const [name, disk] of failures) {
    it(`fails for ${name}`, () => {
      expect(() => checkSelectedDisk(DEVICE, { ...DISK, ...disk })).to.throw(
        DeploymentError,
        'The target disk changed before installing: the root device hints selected /dev/sda',
      );
    });
  }
});
