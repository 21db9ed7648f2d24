import { expect } from 'chai';
import { parseBlkidExport, parseUdevDb, udevValue } from '../../../../agent/hardware/generic/udev.js';

describe('generic/udev', () => {
  it('parses E: properties and S: symlinks of a udev database file, ignoring other records', () => {
    const facts = parseUdevDb(
      'S:disk/by-path/pci-0000:00:1f.2-ata-1\nS:disk/by-id/wwn-0x5\nI:12345\nE:ID_SERIAL=A_B=C\nE:ID_WWN=0x5\nG:systemd\nQ:7\nV:1\n',
    );

    expect(facts).to.deep.equal({
      source: 'udev',
      properties: { ID_SERIAL: 'A_B=C', ID_WWN: '0x5' },
      symlinks: ['disk/by-path/pci-0000:00:1f.2-ata-1', 'disk/by-id/wwn-0x5'],
    });
  });

  it('maps blkid export keys to udev names', () => {
    expect(
      parseBlkidExport('DEVNAME=/dev/sdc\nLABEL=config-2\nTYPE=iso9660\nPTTYPE=gpt\nnot a pair\n').properties,
    ).to.deep.equal({
      DEVNAME: '/dev/sdc',
      ID_FS_LABEL: 'config-2',
      ID_FS_TYPE: 'iso9660',
      ID_PART_TABLE_TYPE: 'gpt',
    });
  });

  it('reads ID_ then DM_ values, treating empty ones as missing', () => {
    const facts = parseUdevDb('E:ID_SERIAL=\nE:DM_SERIAL=mpath-serial\nE:ID_WWN=0x1\nE:DM_WWN=0x2\n');

    expect(udevValue(facts, 'SERIAL')).to.equal('mpath-serial');
    expect(udevValue(facts, 'WWN')).to.equal('0x1');
    expect(udevValue(facts, 'SERIAL_SHORT')).to.equal(null);
  });
});
