/** Build BlockDevice values for tests: every field defaults to "unknown". */
import type { BlockDevice } from '../../agent/hardware/types.js';

/** Bytes in a GiB. */
export const GiB = 2 ** 30;

/** A disk named `name` of `size` bytes; other fields from `extra`, else null/false. */
export function makeDevice(name: string, size: number, extra: Partial<BlockDevice> = {}): BlockDevice {
  return {
    name,
    model: null,
    size,
    rotational: false,
    wwn: null,
    serial: null,
    vendor: null,
    wwn_with_extension: null,
    wwn_vendor_extension: null,
    hctl: null,
    by_path: null,
    logical_sectors: 512,
    physical_sectors: 512,
    tran: null,
    type: 'disk',
    ...extra,
  };
}

/**
 * Three devices, in lsblk order: a 500 GB SATA SSD, a 64 GiB rotational QEMU
 * disk and a 1 TB NVMe drive: the set on which match.test.ts pins the results of
 * IPA's own matcher (openstack/ironic-python-agent ironic_python_agent/device_hints.py).
 */
export function referenceDevices(): BlockDevice[] {
  return [
    makeDevice('/dev/sda', 500107862016, {
      model: 'Samsung SSD 860 EVO 500GB',
      vendor: 'ATA',
      serial: 'S3Z9NB0K123456A',
      wwn: '0x5002538e40a1b2c3',
      hctl: '0:0:0:0',
      by_path: '/dev/disk/by-path/pci-0000:00:1f.2-ata-1',
      tran: 'sata',
      rotational: false,
    }),
    makeDevice('/dev/sdb', 64 * GiB, {
      model: 'QEMU HARDDISK',
      vendor: 'QEMU',
      serial: 'QM00002',
      hctl: '1:0:0:0',
      by_path: '/dev/disk/by-path/pci-0000:00:05.0-scsi-0:0:0:0',
      tran: null,
      rotational: true,
    }),
    makeDevice('/dev/nvme0n1', 1000204886016, {
      model: 'WDC WDS100T2B0C-00PXH0',
      serial: '2023ABCD1234',
      wwn: 'eui.e8238fa6bf530001001b448b45b2c3d4',
      by_path: '/dev/disk/by-path/pci-0000:01:00.0-nvme-1',
      tran: 'nvme',
      rotational: false,
    }),
  ];
}

/**
 * One row of `lsblk --json` (the columns lsblk.ts asks for) for a disk named
 * `kname` of `size` bytes; unknown fields null/false, 512-byte sectors,
 * `type` disk unless `extra` says otherwise.
 */
export function lsblkRow(kname: string, size: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kname,
    model: null,
    size,
    rota: false,
    type: 'disk',
    uuid: null,
    partuuid: null,
    serial: null,
    wwn: null,
    'log-sec': 512,
    'phy-sec': 512,
    tran: null,
    ro: false,
    rm: false,
    pkname: null,
    hctl: null,
    vendor: null,
    ...extra,
  };
}
