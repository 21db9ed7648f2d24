import { expect } from 'chai';
import { carriedKargs, ignitionPlatform, kargValue, splitKargs } from '../../../reprovision/sysroot/kargs.js';

const FCOS =
  'mitigations=auto,nosmt ignition.platform.id=metal $ignition_firstboot ostree=/ostree/boot.1/fedora-coreos/abc/0 root=UUID=1 rw console=tty0 console=ttyS0,115200n8';

describe('reprovision/sysroot/kargs', () => {
  const splits: [string, string[]][] = [
    ['', []],
    ['  a   b ', ['a', 'b']],
    ['a="x y" b', ['a="x y"', 'b']],
    ['a\tb\nc', ['a', 'b', 'c']],
  ];
  for (const [line, expected] of splits) {
    it(`splits ${JSON.stringify(line)}`, () => expect(splitKargs(line)).to.deep.equal(expected));
  }

  it('carries every argument of an FCOS entry in order but ostree=, keeping $ignition_firstboot', () => {
    expect(carriedKargs(FCOS)).to.deep.equal([
      'mitigations=auto,nosmt',
      'ignition.platform.id=metal',
      '$ignition_firstboot',
      'root=UUID=1',
      'rw',
      'console=tty0',
      'console=ttyS0,115200n8',
    ]);
  });

  it('keeps an argument whose name only starts with ostree', () => {
    expect(carriedKargs('ostree.prepare-root=1 ostree=/x')).to.deep.equal(['ostree.prepare-root=1']);
  });

  it('reads values and the Ignition platform', () => {
    const args = splitKargs(FCOS);
    expect(kargValue(args, 'root')).to.equal('UUID=1');
    expect(kargValue(args, 'rw')).to.equal(undefined);
    expect(ignitionPlatform(args)).to.equal('metal');
    expect(ignitionPlatform(['ignition.platform.id=qemu'])).to.equal('qemu');
    expect(ignitionPlatform([])).to.equal('metal');
    expect(ignitionPlatform(['ignition.platform.id=metal', 'ignition.platform.id=openstack'])).to.equal('openstack');
  });
});
