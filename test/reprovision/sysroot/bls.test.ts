import { expect } from 'chai';
import { bootOrder, parseBlsEntry } from '../../../reprovision/sysroot/bls.js';

/** An entry as ostree 2022.7 wrote it in a test sysroot. */
const ENTRY = `title fedora (ostree:0)
version 2
options root=UUID=abc rw $ignition_firstboot console=ttyS0,115200n8 ostree=/ostree/boot.0/fedora-coreos/e748/0
linux /ostree/fedora-coreos-e748/vmlinuz-6.1.0-t
initrd /ostree/fedora-coreos-e748/initramfs-6.1.0-t.img
`;

describe('reprovision/sysroot/bls', () => {
  it('parses what ostree writes', () => {
    const entry = parseBlsEntry('ostree-2-fedora-coreos.conf', ENTRY);
    expect(entry).to.deep.equal({
      file: 'ostree-2-fedora-coreos.conf',
      title: 'fedora (ostree:0)',
      version: 2,
      options: 'root=UUID=abc rw $ignition_firstboot console=ttyS0,115200n8 ostree=/ostree/boot.0/fedora-coreos/e748/0',
      ostreePath: '/ostree/boot.0/fedora-coreos/e748/0',
    });
  });

  it('tolerates comments, blank lines, a missing version and no ostree=', () => {
    const entry = parseBlsEntry('x.conf', '# comment\n\ntitle  t \noptions quiet\n');
    expect(entry.version).to.equal(0);
    expect(entry.title).to.equal('t');
    expect(entry.ostreePath).to.equal(undefined);
  });

  it('orders by version, highest first (ostree deployment 0 is the default)', () => {
    const entries = [1, 3, 2].map((v) => parseBlsEntry(`ostree-${v}.conf`, `version ${v}\n`));
    expect(bootOrder(entries).map((e) => e.version)).to.deep.equal([3, 2, 1]);
  });
});
