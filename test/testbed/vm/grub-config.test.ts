import { expect } from 'chai';
import { bootGrubConfig, espGrubConfig, menuEntrySource } from '../../../testbed/vm/grub-config.js';

const BLS = [
  'title Debian GNU/Linux 12 (bookworm) (ostree:0)',
  'version 1',
  'options ignition.platform.id=qemu $ignition_firstboot root=UUID=r rw ostree=/ostree/boot.1/fedora-coreos/abc/0',
  'linux /ostree/fedora-coreos-abc/vmlinuz-6.1.0-50-cloud-amd64',
  'initrd /ostree/fedora-coreos-abc/initramfs-6.1.0-50-cloud-amd64.img',
  '',
].join('\n');

describe('testbed/vm/grub-config', () => {
  it('turns a BLS entry into a menu entry that keeps $ignition_firstboot for GRUB to expand', () => {
    const cfg = bootGrubConfig([menuEntrySource(BLS)]);

    expect(cfg).to.contain('menuentry "Debian GNU/Linux 12 (bookworm) (ostree:0)" {');
    expect(cfg).to.contain(
      '  linux /ostree/fedora-coreos-abc/vmlinuz-6.1.0-50-cloud-amd64 ignition.platform.id=qemu $ignition_firstboot root=UUID=r rw ostree=/ostree/boot.1/fedora-coreos/abc/0\n',
    );
    expect(cfg).to.contain('  initrd /ostree/fedora-coreos-abc/initramfs-6.1.0-50-cloud-amd64.img\n');
  });

  it('sets $ignition_firstboot from /ignition.firstboot before the entries, as FCOS does', () => {
    const cfg = bootGrubConfig([menuEntrySource(BLS)]);

    const snippet = cfg.indexOf('if [ -f "/ignition.firstboot" ]; then');
    expect(snippet).to.be.greaterThan(cfg.indexOf('set ignition_firstboot=""'));
    expect(cfg.indexOf('source "/ignition.firstboot"')).to.be.greaterThan(snippet);
    expect(cfg).to.contain('set ignition_firstboot="ignition.firstboot ${ignition_network_kcmdline}"');
    expect(cfg.indexOf('menuentry')).to.be.greaterThan(cfg.indexOf('fi\n'));
  });

  it('puts the highest version first, as ostree numbers its default (10 after 9)', () => {
    const older = menuEntrySource(BLS.replace('version 1', 'version 9').replace('(ostree:0)', '(ostree:1)'));
    const newer = menuEntrySource(BLS.replace('version 1', 'version 10'));

    const cfg = bootGrubConfig([older, newer]);

    expect(cfg.indexOf('(ostree:0)')).to.be.lessThan(cfg.indexOf('(ostree:1)'));
  });

  it('refuses an entry without a kernel', () => {
    expect(() => menuEntrySource('title x\noptions a\n')).to.throw('BLS entry "x" has no linux line');
  });

  it('refuses a field that would break out of the menu entry', () => {
    const entry = { ...menuEntrySource(BLS), options: 'a" }\nmenuentry "evil' };

    expect(() => bootGrubConfig([entry])).to.throw('holds a quote, backslash or newline');
  });

  it('loads part_gpt and ext2 before searching for the boot filesystem, then reads its grub2/grub.cfg', () => {
    const cfg = espGrubConfig('96d15588-3596-4b3c-adca-a2ff7279ea63');

    expect(cfg.indexOf('insmod part_gpt')).to.be.lessThan(cfg.indexOf('search'));
    expect(cfg.indexOf('insmod ext2')).to.be.lessThan(cfg.indexOf('search'));
    expect(cfg).to.contain('search --no-floppy --fs-uuid --set=root 96d15588-3596-4b3c-adca-a2ff7279ea63\n');
    expect(cfg).to.contain('configfile ($root)/grub2/grub.cfg\n');
  });

  it('refuses a value that is not a UUID', () => {
    expect(() => espGrubConfig('x; reboot')).to.throw('Not a filesystem UUID: x; reboot');
  });
});
