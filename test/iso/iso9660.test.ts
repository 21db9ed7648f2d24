import { expect } from 'chai';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IsoError, IsoNotFoundError } from '../../iso/errors.js';
import {
  bufferByteSource,
  IsoFs,
  parseDirectoryRecords,
  parseFileName,
  parsePrimaryVolumeDescriptor,
  pathComponents,
  SECTOR_SIZE,
} from '../../iso/iso9660.js';
import {
  expectRejection,
  makeTempDir,
  read,
  removeTempDir,
  runner,
  skipMissingFixtures,
  unxzFixture,
} from '../helpers/iso-fixtures.js';

/** One directory record as ISO 9660 lays it out. */
function record(name: string | Buffer, extent: number, length: number, isDirectory = false): Buffer {
  const nameBytes = typeof name === 'string' ? Buffer.from(name, 'latin1') : name;
  const size = 33 + nameBytes.length + ((33 + nameBytes.length) % 2);
  const out = Buffer.alloc(size);
  out[0] = size;
  out.writeUInt32LE(extent, 2);
  out.writeUInt32BE(extent, 6);
  out.writeUInt32LE(length, 10);
  out.writeUInt32BE(length, 14);
  out[25] = isDirectory ? 2 : 0;
  out[32] = nameBytes.length;
  nameBytes.copy(out, 33);
  return out;
}

async function openIso(path: string): Promise<IsoFs> {
  return IsoFs.open(bufferByteSource(await read(path)));
}

describe('iso/iso9660', () => {
  describe('parseFileName', () => {
    const cases: Array<[string, string]> = [
      ['IGNITION.IMG;1', 'IGNITION.IMG'],
      ['IGNINFO.JSO;1', 'IGNINFO.JSO'],
      ['ABC.;1', 'ABC'],
      ['DIR', 'DIR'],
      ['lower_case 1', 'lower_case 1'],
      ['!"%&\'()*.+,-;1', '!"%&\'()*.+,-'],
      ['A;B', 'A.B'],
      ['A/B', 'A.B'],
      ['NAME\0PAD', 'NAME'],
    ];
    for (const [raw, expected] of cases) {
      it(`decodes ${JSON.stringify(raw)} as ${JSON.stringify(expected)}`, () => {
        expect(parseFileName(Buffer.from(raw, 'latin1'))).to.equal(expected);
      });
    }

    it('rejects characters outside the ISO 9660 file set', () => {
      expect(() => parseFileName(Buffer.from('BAD#NAME', 'latin1'))).to.throw(IsoError, 'invalid string name');
    });
  });

  describe('parseDirectoryRecords', () => {
    it('reads extent, length and the directory flag, skipping . and ..', () => {
      const data = Buffer.concat([
        record(Buffer.from([0]), 20, 2048, true),
        record(Buffer.from([1]), 19, 2048, true),
        record('IMAGES', 25, 2048, true),
        record('IGNITION.IMG;1', 27, 262144),
      ]);

      const records = parseDirectoryRecords(data);

      expect(records).to.deep.equal([
        { name: 'IMAGES', extent: 25, length: 2048, isDirectory: true },
        { name: 'IGNITION.IMG', extent: 27, length: 262144, isDirectory: false },
      ]);
    });

    it('keeps the "." record of the root when asked', () => {
      expect(parseDirectoryRecords(record(Buffer.from([0]), 23, 2048, true), true)).to.deep.equal([
        { name: '.', extent: 23, length: 2048, isDirectory: true },
      ]);
    });

    it('continues at the next sector after a zero length byte', () => {
      const data = Buffer.alloc(SECTOR_SIZE + 64);
      record('FIRST;1', 30, 4).copy(data, 0);
      record('SECOND;1', 31, 5).copy(data, SECTOR_SIZE);

      expect(parseDirectoryRecords(data).map((r) => r.name)).to.deep.equal(['FIRST', 'SECOND']);
    });

    it('rejects a record running past the directory data', () => {
      const data = record('TRUNCATED.TXT;1', 30, 4).subarray(0, 40);

      expect(() => parseDirectoryRecords(data)).to.throw(IsoError, 'incomplete directory record; corrupt ISO?');
    });
  });

  describe('parsePrimaryVolumeDescriptor', () => {
    it('rejects a sector without the CD001 identifier', () => {
      const sector = Buffer.alloc(SECTOR_SIZE);
      sector[0] = 1;
      sector.write('XX001', 1, 'latin1');

      expect(() => parsePrimaryVolumeDescriptor(sector)).to.throw(IsoError, 'parsing primary descriptor');
    });
  });

  it('splits paths resolving . and ..', () => {
    expect(pathComponents('/A/./B/../C/')).to.deep.equal(['A', 'C']);
    expect(pathComponents('')).to.deep.equal([]);
  });

  describe('IsoFs on a genisoimage image', () => {
    let dir: string | undefined;
    let isoPath = '';

    before(async () => {
      dir = await makeTempDir();
      const root = join(dir, 'root');
      await mkdir(join(root, 'largedir'), { recursive: true });
      for (let i = 1; i <= 150; i += 1) await writeFile(join(root, 'largedir', `${i}.dat`), 'foo\n');
      await mkdir(join(root, 'really/very/deeply/nested'), { recursive: true });
      await writeFile(join(root, 'really/very/deeply/nested/file.txt'), 'nested\n');
      await writeFile(join(root, 'top.txt'), 'top\n');
      isoPath = join(dir, 'synthetic.iso');
      await runner.run(['genisoimage', '-quiet', '-V', 'SYNTH', '-o', isoPath, root]);
    });

    after(async () => removeTempDir(dir));

    it('lists a directory that spans several sectors', async () => {
      const iso = await openIso(isoPath);
      const largedir = await iso.getPath('LARGEDIR');

      const names = (await iso.listDir(largedir)).map((r) => r.name);

      expect(largedir.length).to.be.greaterThan(SECTOR_SIZE);
      expect(names).to.have.length(150);
      expect(names).to.include.members(['1.DAT', '75.DAT', '150.DAT']);
    });

    it('reads a deeply nested file', async () => {
      const iso = await openIso(isoPath);

      const file = await iso.readFile(await iso.getPath('/REALLY/VERY/DEEPLY/NESTED/FILE.TXT'));

      expect(file.toString()).to.equal('nested\n');
    });

    it('returns the root for an empty path and refuses to read a directory as a file', async () => {
      const iso = await openIso(isoPath);

      expect((await iso.getPath('/')).name).to.equal('.');
      await expectRejection(iso.readFile(await iso.getPath('REALLY')), IsoError, 'entry REALLY is a directory');
    });

    it('reports missing paths as IsoNotFoundError', async () => {
      const iso = await openIso(isoPath);

      await expectRejection(iso.getPath('MISSING'), IsoNotFoundError, 'no record for MISSING in directory ');
      await expectRejection(
        iso.getPath('MISSING/STUFF.TXT'),
        IsoNotFoundError,
        'intermediate directory MISSING does not exist',
      );
      await expectRejection(
        iso.getPath('TOP.TXT/STUFF.TXT'),
        IsoNotFoundError,
        'component "TOP.TXT" in path TOP.TXT/STUFF.TXT is not a directory',
      );
    });

    it('refuses a truncated image with "ISO image is incomplete"', async () => {
      const copy = join(dir ?? '', 'truncated.iso');
      await writeFile(copy, await read(isoPath));
      const size = (await read(copy)).length;
      await truncate(copy, Math.floor(size / 2));

      await expectRejection(openIso(copy), IsoError, 'ISO image is incomplete');
    });

    it('refuses a file that is not ISO 9660', async () => {
      await expectRejection(
        IsoFs.open(bufferByteSource(Buffer.alloc(40000))),
        IsoError,
        'getting volume descriptor #1',
      );
      await expectRejection(IsoFs.open(bufferByteSource(Buffer.alloc(100))), IsoError, 'getting volume descriptor #1');
    });
  });

  describe('upstream synthetic.iso', () => {
    let dir: string | undefined;
    let isoPath: string | undefined;

    before(async function () {
      dir = await makeTempDir();
      isoPath = await unxzFixture('iso/synthetic.iso.xz', dir);
      if (isoPath === undefined) skipMissingFixtures(this);
    });

    after(async () => removeTempDir(dir));

    it('has the volume size and names upstream expects', async () => {
      const iso = await openIso(isoPath ?? '');

      expect(iso.primary.volumeSpaceSize).to.equal(338);
      expect((await iso.listDir(await iso.getPath('CONTENT'))).map((r) => r.name)).to.deep.equal(['DIR', 'FILE.TXT']);
      expect(await iso.listDir(await iso.getPath('LARGEDIR'))).to.have.length(150);
      expect((await iso.listDir(await iso.getPath('NAMES'))).map((r) => r.name)).to.include.members([
        '!"%&\'()*.+,-',
        ':<=>?',
        'ABCDEFGH.IJK',
      ]);
      expect((await iso.readFile(await iso.getPath('REALLY/VERY/DEEPLY/NESTED/FILE.TXT'))).toString()).to.equal(
        'foo\n',
      );
    });
  });
});
