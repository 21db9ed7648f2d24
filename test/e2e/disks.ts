/** Disk fixtures for the e2e suites: real partition tables and signatures on loop disks, and checks that they are gone. */
import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync } from 'node:fs';
import { ExecaRunner } from '../../common/exec/execa-runner.js';

const runner = new ExecaRunner();
const ANY_EXIT = Array.from({ length: 256 }, (_, i) => i);

/** GPT with two partitions, ext4 and vfat on them (partx -a: this kernel has no partition-table support). */
export async function partitionWithFilesystems(device: string): Promise<void> {
  await runner.run(['sgdisk', '-Z', device], { okExitCodes: [0, 2] });
  await runner.run([
    'sgdisk',
    '-n',
    '1:0:+64M',
    '-t',
    '1:8300',
    '-c',
    '1:data',
    '-n',
    '2:0:+32M',
    '-t',
    '2:EF00',
    '-c',
    '2:esp',
    device,
  ]);
  await runner.run(['partx', '-a', device], { okExitCodes: [0, 1] });
  await runner.run(['mkfs.ext4', '-q', '-F', '-L', 'data', `${device}p1`]);
  await runner.run(['mkfs.vfat', '-n', 'ESP', `${device}p2`]);
}

/** A GPT partition typed as VMFS: IPA's guard must refuse to wipe this disk. */
export async function partitionAsVmfs(device: string): Promise<void> {
  await runner.run(['sgdisk', '-Z', device], { okExitCodes: [0, 2] });
  await runner.run([
    'sgdisk',
    '-n',
    '1:0:+64M',
    '-t',
    '1:AA31E02A-400F-11DB-9590-000C2911D1B8',
    '-c',
    '1:vmfs',
    device,
  ]);
  await runner.run(['partx', '-a', device], { okExitCodes: [0, 1] });
}

/** Remove partition nodes the kernel still has for `device` (after the agent wiped it). */
export async function dropPartitions(device: string): Promise<void> {
  await runner.run(['partx', '-d', device], { okExitCodes: ANY_EXIT });
}

/** Signatures found by wipefs (empty when the device is clean). */
export async function signatures(device: string): Promise<string> {
  return (await runner.run(['wipefs', '--no-act', '--noheadings', device], { okExitCodes: ANY_EXIT })).stdout.trim();
}

/** True when sgdisk finds a GPT or MBR partition table. */
export async function hasPartitionTable(device: string): Promise<boolean> {
  const result = await runner.run(['sgdisk', '-p', device], { okExitCodes: ANY_EXIT });
  return (
    !/Creating new GPT entries|does not exist|Found invalid GPT and valid MBR/i.test(result.stdout + result.stderr) &&
    /Number\s+Start/.test(result.stdout)
  );
}

/** True when the first and last `bytes` of the device are all zero (primary and backup GPT areas). */
export function headAndTailZero(device: string, bytes = 1024 * 1024): boolean {
  const fd = openSync(device, 'r');
  try {
    const size = Number(deviceSize(device));
    const buffer = Buffer.alloc(bytes);
    for (const offset of [0, size - bytes]) {
      readSync(fd, buffer, 0, bytes, offset);
      if (buffer.some((b) => b !== 0)) return false;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** sha256 of the first `bytes` of a device. */
export function headChecksum(device: string, bytes = 4 * 1024 * 1024): string {
  const fd = openSync(device, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    readSync(fd, buffer, 0, bytes, 0);
    return createHash('sha256').update(buffer).digest('hex');
  } finally {
    closeSync(fd);
  }
}

function deviceSize(device: string): bigint {
  return BigInt(readSysfs(`/sys/class/block/${device.replace('/dev/', '')}/size`)) * 512n;
}

function readSysfs(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64);
    const n = readSync(fd, buffer, 0, 64, 0);
    return buffer.subarray(0, n).toString('utf8').trim();
  } finally {
    closeSync(fd);
  }
}
