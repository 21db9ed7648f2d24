import { expect } from 'chai';
import { chooseAccel, machineArgv, type MachineSpec } from '../../../testbed/vm/machine-argv.js';

const BASE: MachineSpec = {
  ovmf: { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', varsTemplate: '/usr/share/OVMF/OVMF_VARS_4M.fd' },
  vars: '/t/vm/OVMF_VARS.fd',
  dir: '/t/vm',
  accel: 'tcg',
  disks: [{ file: '/t/disk.img', serial: 'primary-disk', bootIndex: 0 }],
  memoryMiB: 1024,
  cpus: 2,
};

describe('testbed/vm/machine-argv', () => {
  it('boots q35 with the read-only firmware code and the per-VM variable store', () => {
    const argv = machineArgv(BASE).join(' ');

    expect(argv).to.match(/^qemu-system-x86_64 -machine q35 -accel tcg /);
    expect(argv).to.contain('-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd');
    expect(argv).to.contain('-drive if=pflash,format=raw,unit=1,file=/t/vm/OVMF_VARS.fd');
    expect(argv).not.to.contain('OVMF_VARS_4M.fd');
  });

  it('connects QMP, the serial console and the testisocompletion port to sockets in the VM directory', () => {
    const argv = machineArgv(BASE).join(' ');

    expect(argv).to.contain('-chardev socket,id=qmp,path=/t/vm/qmp.sock -mon chardev=qmp,mode=control');
    expect(argv).to.contain('-chardev socket,id=serial0,path=/t/vm/serial.sock -serial chardev:serial0');
    expect(argv).to.contain('virtserialport,bus=vser0.0,chardev=completion,name=testisocompletion');
  });

  it('gives disks their serial and boot index, and no NIC unless asked', () => {
    const argv = machineArgv(BASE);

    expect(argv).to.include('virtio-blk-pci,drive=disk0,serial=primary-disk,bootindex=0');
    expect(argv.join(' ')).to.contain('-nic none');
  });

  it('runs qemu inside the caller namespace with a tap NIC', () => {
    const argv = machineArgv({ ...BASE, nic: { namespace: 'icavm1', tap: 'tap0', mac: '52:54:00:12:34:56' } });

    expect(argv.slice(0, 5)).to.deep.equal(['ip', 'netns', 'exec', 'icavm1', 'qemu-system-x86_64']);
    expect(argv).to.include('tap,id=net0,ifname=tap0,script=no,downscript=no');
    expect(argv).to.include('virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56,romfile=');
  });

  it('starts the given qemu command (another build of qemu) in front of the options, inside the namespace', () => {
    const qemu = ['env', 'QEMU_MODULE_DIR=/r/q', '/r/ld.so', '/r/qemu', '-L', '/r/share'];
    const argv = machineArgv({ ...BASE, qemu, nic: { namespace: 'icavm1', tap: 'tap0', mac: '52:54:00:12:34:56' } });

    expect(argv.slice(0, 11)).to.deep.equal(['ip', 'netns', 'exec', 'icavm1', ...qemu, '-machine']);
  });

  it('passes fw_cfg files, where the Ignition qemu platform reads its config', () => {
    const argv = machineArgv({ ...BASE, fwCfg: [{ name: 'opt/com.coreos/config', file: '/t/config.ign' }] });

    expect(argv.join(' ')).to.contain('-fw_cfg name=opt/com.coreos/config,file=/t/config.ign');
  });

  const bad: Array<[string, Partial<MachineSpec>, string]> = [
    ['a serial with a comma', { disks: [{ file: '/d', serial: 'a,b' }] }, 'VM disk serial "a,b" must be 1-20'],
    ['a file with a comma', { disks: [{ file: '/d,format=qcow2', serial: 'a' }] }, 'contains a comma'],
    ['a bad namespace', { nic: { namespace: 'a b', tap: 'tap0', mac: '52:54:00:12:34:56' } }, 'VM namespace "a b"'],
    ['a bad tap', { nic: { namespace: 'ns', tap: 'tap0,x=1', mac: '52:54:00:12:34:56' } }, 'VM tap "tap0,x=1"'],
    ['a fw_cfg name outside opt/', { fwCfg: [{ name: 'etc/x', file: '/c' }] }, 'fw_cfg name "etc/x" must be opt/'],
    ['a fw_cfg file with a comma', { fwCfg: [{ name: 'opt/x', file: '/c,x' }] }, 'fw_cfg file /c,x contains a comma'],
    ['a bad MAC', { nic: { namespace: 'ns', tap: 'tap0', mac: '52:54:00:12:34' } }, 'VM MAC "52:54:00:12:34"'],
  ];
  for (const [name, change, message] of bad)
    it(`refuses ${name}`, () => {
      expect(() => machineArgv({ ...BASE, ...change })).to.throw(message);
    });

  const accels: Array<[Record<string, string>, boolean, string]> = [
    [{}, true, 'tcg'],
    [{ ICA_VM_KVM: '1' }, true, 'kvm'],
    [{ ICA_VM_KVM: '1' }, false, 'tcg'],
    [{ ICA_VM_KVM: 'yes' }, true, 'tcg'],
  ];
  for (const [env, kvm, accel] of accels)
    it(`uses ${accel} for env ${JSON.stringify(env)} with /dev/kvm ${kvm ? 'present' : 'absent'}`, () => {
      expect(chooseAccel(env, kvm)).to.equal(accel);
    });
});
