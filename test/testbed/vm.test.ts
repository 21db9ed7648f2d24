import { expect } from 'chai';
import { initScript } from '../../testbed/vm/initramfs.js';
import { moduleName, resolveModules } from '../../testbed/vm/modules.js';
import { oopsBeforeScript, qemuArgv } from '../../testbed/vm/run.js';

const DEP = [
  'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko',
  'kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko',
  'kernel/fs/netfs/netfs.ko:',
  'kernel/net/9p/9pnet.ko:',
  'kernel/drivers/md/raid1.ko: kernel/drivers/md/md-mod.ko',
  'kernel/drivers/md/md-mod.ko:',
  '',
].join('\n');

describe('testbed/vm', () => {
  it('orders modules after their dependencies, each once', () => {
    expect(resolveModules(DEP, ['9p', 'md-mod', 'raid1'])).to.deep.equal([
      'kernel/net/9p/9pnet.ko',
      'kernel/fs/netfs/netfs.ko',
      'kernel/fs/fscache/fscache.ko',
      'kernel/fs/9p/9p.ko',
      'kernel/drivers/md/md-mod.ko',
      'kernel/drivers/md/raid1.ko',
    ]);
  });

  it('names a module the kernel does not ship', () => {
    expect(() => resolveModules(DEP, ['overlay'])).to.throw(
      'Kernel module overlay (wanted by the VM) is not in modules.dep',
    );
  });

  it('treats - and _ alike and strips compression suffixes', () => {
    expect(moduleName('kernel/drivers/md/md-mod.ko.xz')).to.equal('md_mod');
  });

  it('boots with TCG only, no network, and disks with serials', () => {
    const argv = qemuArgv(
      { kernel: '/boot/k', initramfs: '/c/i', disks: [{ file: '/d/a.img', serial: 'raid-a' }], script: '' },
      '/s',
      '/s/console.log',
    );

    expect(argv.join(' ')).to.contain('-machine q35 -accel tcg');
    expect(argv.join(' ')).not.to.match(/kvm/);
    expect(argv).to.include.members(['-no-reboot', '-nic', 'none', 'virtio-blk-pci,drive=disk0,serial=raid-a']);
    expect(argv).to.include('local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap');
  });

  it('loads every module in the init script before mounting the host root', () => {
    const init = initScript(['kernel/net/9p/9pnet.ko', 'kernel/fs/9p/9p.ko']);

    expect(init.indexOf('insmod /modules/kernel/fs/9p/9p.ko')).to.be.lessThan(init.indexOf('mount -t 9p'));
    expect(init).to.contain('exec switch_root /newroot /bin/sh /ica-share/stage2.sh');
  });

  const oops = '[    1.9] Oops: int3: 0000 [#1] SMP NOPTI\n[    1.9] Kernel panic - not syncing: Fatal exception\n';
  const cases: Array<[string, string, boolean, string | undefined]> = [
    ['an oops before the script: boot again', oops, false, 'Fatal exception'],
    ['an oops after the script began: no', oops, true, undefined],
    ['another panic: no', 'Kernel panic - not syncing: VFS: Unable to mount root fs\n', false, undefined],
    ['no panic: no', 'Run /init as init process\n', false, undefined],
  ];
  for (const [name, console, began, want] of cases)
    it(`oopsBeforeScript: ${name}`, () => expect(oopsBeforeScript(console, began)).to.equal(want));
});
