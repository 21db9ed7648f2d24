import { expect } from 'chai';
import { bootGrubConfig, espGrubConfig } from '../../../testbed/vm/grub-config.js';

describe('testbed/vm/grub-config', () => {
  it('reads the BLS entries at boot with blscfg instead of listing menu entries', () => {
    const cfg = bootGrubConfig();

    expect(cfg).to.match(/\nblscfg\n$/);
    expect(cfg).not.to.contain('menuentry');
  });

  it('sets $ignition_firstboot from /ignition.firstboot before blscfg expands the entries, as FCOS does', () => {
    const cfg = bootGrubConfig();

    const snippet = cfg.indexOf('if [ -f "/ignition.firstboot" ]; then');
    expect(snippet).to.be.greaterThan(cfg.indexOf('set ignition_firstboot=""'));
    expect(cfg.indexOf('source "/ignition.firstboot"')).to.be.greaterThan(snippet);
    expect(cfg).to.contain('set ignition_firstboot="ignition.firstboot ${ignition_network_kcmdline}"');
    expect(cfg.indexOf('blscfg')).to.be.greaterThan(cfg.indexOf('fi\n'));
  });

  it('boots the first entry (ostree names the default deployment highest) after the given timeout', () => {
    const cfg = bootGrubConfig(3);

    expect(cfg).to.contain('set timeout=3\nset default=0\n');
  });

  it('loads part_gpt and ext2 before searching for the boot filesystem, then reads its grub2/grub.cfg', () => {
    const cfg = espGrubConfig('96d15588-3596-4b3c-adca-a2ff7279ea63');

    expect(cfg.indexOf('insmod part_gpt')).to.be.lessThan(cfg.indexOf('search'));
    expect(cfg.indexOf('insmod ext2')).to.be.lessThan(cfg.indexOf('search'));
    expect(cfg).to.contain('search --no-floppy --fs-uuid --set=root 96d15588-3596-4b3c-adca-a2ff7279ea63\n');
    expect(cfg).to.contain('configfile ($root)/grub2/grub.cfg\n');
  });

  it('loads blsuki, the module of blscfg, from the standalone image (the boot partition holds no modules)', () => {
    const cfg = espGrubConfig('96d15588-3596-4b3c-adca-a2ff7279ea63');

    expect(cfg.indexOf('insmod blsuki\n')).to.be.within(0, cfg.indexOf('configfile ($root)'));
  });

  it('refuses a value that is not a UUID', () => {
    expect(() => espGrubConfig('x; reboot')).to.throw('Not a filesystem UUID: x; reboot');
  });
});
