import { expect } from 'chai';
import { globToRegExp, matchesAnyGlob } from '../../../common/fs/glob.js';

describe('util/glob', () => {
  const table: Array<[string, string, boolean]> = [
    ['/dev/*', '/dev/sda', true],
    ['/dev/*', '/dev/disk/by-path/x', false],
    ['/dev/**', '/dev/disk/by-path/x', true],
    ['/dev/sd?', '/dev/sdb', true],
    ['/dev/sd?', '/dev/sdaa', false],
    ['/dev/sd[ab]', '/dev/sdb', true],
    ['/dev/sd[ab]', '/dev/sdc', false],
    ['/dev/sd[!ab]', '/dev/sdc', true],
    ['/dev/sd[a-c]', '/dev/sdc', true],
    ['/dev/nvme*n1', '/dev/nvme10n1', true],
    ['/dev/loop3', '/dev/loop30', false],
    ['/dev/md.0', '/dev/mdx0', false],
    ['/dev/disk/by-path/pci-0000:00:1f.2-ata-1', '/dev/disk/by-path/pci-0000:00:1f.2-ata-1', true],
    ['/dev/SDA', '/dev/sda', false],
  ];
  for (const [pattern, path, expected] of table) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      expect(globToRegExp(pattern).test(path)).to.equal(expected);
    });
  }

  it('matches any of several patterns', () => {
    expect(matchesAnyGlob('/dev/vdb', ['/dev/sd*', '/dev/vd*'])).to.equal(true);
    expect(matchesAnyGlob('/dev/vdb', [])).to.equal(false);
  });

  it('rejects an unclosed set', () => {
    expect(() => globToRegExp('/dev/sd[a')).to.throw('Unclosed "[" in glob "/dev/sd[a"');
  });
});
