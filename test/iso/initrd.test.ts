import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { errorChain } from '../../common/cli/report.js';
import { IsoError } from '../../iso/errors.js';
import { comparePaths, Initrd, initrdEntries, initrdToBytes, initrdToCpio, readInitrd } from '../../iso/initrd.js';
import { encodeNewc, S_IFDIR, S_IFMT, S_IFREG } from '../../iso/newc.js';
import {
  expectRejection,
  makeTempDir,
  read,
  realCodecs,
  removeTempDir,
  runner,
  skipMissingFixtures,
  unxzFixture,
} from '../helpers/iso-fixtures.js';

const codecs = realCodecs();

function initrdOf(files: Record<string, string>): Initrd {
  const initrd = new Initrd();
  for (const [path, data] of Object.entries(files)) initrd.add(path, Buffer.from(data));
  return initrd;
}

function contents(initrd: Initrd): Record<string, string> {
  return Object.fromEntries(initrd.paths().map((p) => [p, initrd.get(p)?.toString() ?? '']));
}

async function tool(argv: string[], input: Buffer): Promise<Buffer> {
  return (await runner.run(argv, { input, binary: true })).stdoutBuffer ?? Buffer.alloc(0);
}

describe('iso/initrd', () => {
  describe('writing', () => {
    it('creates parent directories before files, in path order (upstream "directories" case)', () => {
      const initrd = initrdOf({ 'c/f': '', 'c/a/b/d/f': '', d: '', 'c/g': '', 'c/a/c/f': '', 'a/b/c/d/e/f': '' });

      const entries = initrdEntries(initrd).map((e) => [(e.mode & S_IFMT) === S_IFDIR, e.name]);

      expect(entries).to.deep.equal([
        [true, 'a'],
        [true, 'a/b'],
        [true, 'a/b/c'],
        [true, 'a/b/c/d'],
        [true, 'a/b/c/d/e'],
        [false, 'a/b/c/d/e/f'],
        [true, 'c'],
        [true, 'c/a'],
        [true, 'c/a/b'],
        [true, 'c/a/b/d'],
        [false, 'c/a/b/d/f'],
        [true, 'c/a/c'],
        [false, 'c/a/c/f'],
        [false, 'c/f'],
        [false, 'c/g'],
        [false, 'd'],
      ]);
    });

    it('uses mode 040755 for directories and 0100600 for files', () => {
      const modes = initrdEntries(initrdOf({ 'etc/x': 'x' })).map((e) => e.mode.toString(8));

      expect(modes).to.deep.equal(['40755', '100600']);
    });

    it('sorts by UTF-8 bytes like a Rust BTreeMap, not by UTF-16 code units', () => {
      const paths = ['\u{1F600}', '\uFF21', 'Z', 'a'];

      expect([...paths].sort(comparePaths)).to.deep.equal(['Z', 'a', '\uFF21', '\u{1F600}']);
      expect(initrdOf(Object.fromEntries(paths.map((p) => [p, p]))).paths()).to.deep.equal([
        'Z',
        'a',
        '\uFF21',
        '\u{1F600}',
      ]);
    });

    it('is extracted correctly by GNU cpio', async () => {
      const cpio = initrdToCpio(
        initrdOf({ 'config.ign': '{}\n', 'etc/coreos-firstboot-network/eth0.nmconnection': '[connection]\n' }),
      );

      const listing = (await tool(['cpio', '-t', '--quiet'], cpio)).toString();
      const config = await tool(['cpio', '-i', '--quiet', '--to-stdout', 'config.ign'], cpio);

      expect(listing.split('\n').filter(Boolean)).to.deep.equal([
        'config.ign',
        'etc',
        'etc/coreos-firstboot-network',
        'etc/coreos-firstboot-network/eth0.nmconnection',
      ]);
      expect(config.toString()).to.equal('{}\n');
    });

    it('compresses with xz so that xz -dc gives the cpio back', async () => {
      const initrd = initrdOf({ 'config.ign': '{"a": 1}' });

      const bytes = await initrdToBytes(initrd, codecs.xz);

      expect(await tool(['xz', '-dc'], bytes)).to.deep.equal(initrdToCpio(initrd));
    });
  });

  describe('reading', () => {
    it('round-trips what it writes', async () => {
      const initrd = initrdOf({ 'config.ign': '{}', 'etc/x/y': 'deep' });

      const read = await readInitrd(
        Buffer.concat([await initrdToBytes(initrd, codecs.xz), Buffer.alloc(1000)]),
        codecs,
      );

      expect(contents(read)).to.deep.equal({ 'config.ign': '{}', 'etc/x/y': 'deep' });
    });

    it('reads plain, gzip, xz and zstd archives in sequence with zero padding between them', async () => {
      const archive = (dir: string): Buffer =>
        encodeNewc([
          { name: dir, mode: S_IFDIR | 0o755, data: Buffer.alloc(0) },
          { name: `${dir}/hello`, mode: S_IFREG | 0o644, data: Buffer.from('HELLO\n') },
        ]);
      const data = Buffer.concat([
        archive('plain'),
        Buffer.alloc(512),
        gzipSync(archive('gzip')),
        Buffer.alloc(3),
        await tool(['xz', '-c'], archive('xz')),
        await tool(['zstd', '-q', '-c'], archive('zstd')),
        archive('plain-2'),
        Buffer.alloc(100),
      ]);

      const read = await readInitrd(data, codecs);

      expect(contents(read)).to.deep.equal({
        'gzip/hello': 'HELLO\n',
        'plain-2/hello': 'HELLO\n',
        'plain/hello': 'HELLO\n',
        'xz/hello': 'HELLO\n',
        'zstd/hello': 'HELLO\n',
      });
    });

    it('lets the last copy of a path win and keeps only regular files', async () => {
      const first = encodeNewc([
        { name: 'data/file', mode: S_IFREG | 0o644, data: Buffer.from('first\n') },
        { name: 'link', mode: 0o120777, data: Buffer.from('target') },
      ]);
      const second = encodeNewc([{ name: 'data/file', mode: S_IFREG | 0o644, data: Buffer.from('second\n') }]);

      const read = await readInitrd(Buffer.concat([first, gzipSync(second)]), codecs);

      expect(contents(read)).to.deep.equal({ 'data/file': 'second\n' });
    });

    it('applies a path filter', async () => {
      const data = initrdToCpio(initrdOf({ 'config.ign': '{}', other: 'x' }));

      expect((await readInitrd(data, codecs, (p) => p === 'config.ign')).paths()).to.deep.equal(['config.ign']);
    });

    it('accepts zero padding inside a compressed stream but not other trailing data', async () => {
      const cpio = initrdToCpio(initrdOf({ f: 'x' }));

      const padded = await readInitrd(gzipSync(Buffer.concat([cpio, Buffer.alloc(64)])), codecs);
      const error = await expectRejection(
        readInitrd(gzipSync(Buffer.concat([cpio, Buffer.from('junk')])), codecs),
        IsoError,
        'trailing garbage',
      );

      expect(padded.paths()).to.deep.equal(['f']);
      expect(error.message).to.equal('found trailing garbage inside compressed archive');
    });

    it('reports data that is not an archive', async () => {
      const error = await expectRejection(
        readInitrd(
          Buffer.from(
            'hello world, not a cpio archive at all, not even close to one..........................................................',
          ),
          codecs,
        ),
        IsoError,
        'reading CPIO entry',
      );

      expect(errorChain(error)[1]).to.equal('invalid newc magic at offset 0');
    });
  });

  describe('upstream initrd fixtures', () => {
    let dir: string | undefined;

    before(async function () {
      dir = await makeTempDir();
      if ((await unxzFixture('initrd/compressed.img.xz', dir)) === undefined) skipMissingFixtures(this);
    });

    after(async () => removeTempDir(dir));

    async function fixture(name: string): Promise<Initrd> {
      const path = await unxzFixture(`initrd/${name}.img.xz`, dir ?? '');
      if (path === undefined) throw new Error(`fixture ${name} missing`);
      return readInitrd(await read(path), codecs);
    }

    it('compressed.img: uncompressed, gzip, xz and zstd archives give 10 files', async () => {
      const expected: Record<string, string> = {};
      for (const d of ['uncompressed-1', 'uncompressed-2', 'gzip', 'xz', 'zstd'])
        Object.assign(expected, { [`${d}/hello`]: 'HELLO\n', [`${d}/world`]: 'WORLD\n' });

      expect(contents(await fixture('compressed'))).to.deep.equal(expected);
    });

    it('redundant.img: the last copy wins', async () => {
      expect((await fixture('redundant')).get('data/file')?.toString()).to.equal('third\n');
    });

    it('padded-names.img: dracut NUL-padded names', async () => {
      const initrd = await fixture('padded-names');

      expect(initrd.paths()).to.deep.equal(['dir/hello', 'dir/world']);
      expect(initrd.get('dir/hello')).to.deep.equal(Buffer.alloc(5000, 'z'));
      expect(initrd.get('dir/world')).to.deep.equal(Buffer.alloc(4500, 'q'));
    });
  });
});
