import { expect } from 'chai';
import { areaFromIgnInfo, locateEmbedArea, parseIgnInfo, UNRECOGNIZED_ISO } from '../../iso/embed-area.js';
import { errorChain } from '../../common/cli/report.js';
import { IsoError } from '../../iso/errors.js';
import { bufferByteSource, IsoFs, SECTOR_SIZE } from '../../iso/iso9660.js';
import {
  AREA_SIZE,
  buildIso,
  expectRejection,
  makeTempDir,
  read,
  removeTempDir,
  runner,
  S390X_OFFSET,
} from '../helpers/iso-fixtures.js';

async function locate(path: string): Promise<{ offset: number; length: number; file: string }> {
  const bytes = await read(path);
  return locateEmbedArea(await IsoFs.open(bufferByteSource(bytes)), bytes.length);
}

/** Sector of a file in an ISO, from isoinfo's listing (an independent reader). */
async function isoinfoSector(iso: string, dirName: string, fileName: string): Promise<number> {
  const { stdout } = await runner.run(['isoinfo', '-i', iso, '-l']);
  const section = stdout.split('Directory listing of ').find((s) => s.startsWith(`/${dirName}/`)) ?? '';
  const line = section.split('\n').find((l) => l.includes(` ${fileName};1`)) ?? '';
  const match = /\[\s*(\d+) /.exec(line);
  if (match?.[1] === undefined) throw new Error(`isoinfo does not list ${dirName}/${fileName}`);
  return Number(match[1]);
}

describe('iso/embed-area', () => {
  describe('parseIgnInfo', () => {
    it('reads the file and optional offset/length', () => {
      expect(parseIgnInfo(Buffer.from('{"file": "images/ignition.img"}'))).to.deep.equal({
        file: 'images/ignition.img',
      });
      expect(parseIgnInfo(Buffer.from('{"file":"images/cdboot.img","offset":132096,"length":262144}'))).to.deep.equal({
        file: 'images/cdboot.img',
        offset: 132096,
        length: 262144,
      });
    });

    const bad: Array<[string, string]> = [
      ['not json', 'Unexpected token'],
      ['[]', 'expected a JSON object'],
      ['{"offset": 1}', 'missing field `file`'],
      ['{"file": "a", "offset": -1}', 'field `offset` must be a non-negative integer'],
      ['{"file": "a", "length": "big"}', 'field `length` must be a non-negative integer'],
    ];
    for (const [text, cause] of bad) {
      it(`rejects ${text} with "decoding igninfo"`, () => {
        let caught: unknown;
        try {
          parseIgnInfo(Buffer.from(text));
        } catch (error) {
          caught = error;
        }

        expect(errorChain(caught)[0]).to.equal('decoding igninfo');
        expect(errorChain(caught)[1]).to.include(cause);
      });
    }
  });

  describe('areaFromIgnInfo', () => {
    it('adds the in-file offset and defaults the length to the rest of the file', () => {
      expect(areaFromIgnInfo({ file: 'images/cdboot.img', offset: 132096, length: 262144 }, 35, 394240)).to.deep.equal({
        offset: 35 * SECTOR_SIZE + 132096,
        length: 262144,
        file: 'IMAGES/CDBOOT.IMG',
      });
      expect(areaFromIgnInfo({ file: 'images/ignition.img' }, 68, 262144)).to.deep.equal({
        offset: 139264,
        length: 262144,
        file: 'IMAGES/IGNITION.IMG',
      });
      expect(areaFromIgnInfo({ file: 'x', offset: 100 }, 1, 300)).to.deep.equal({
        offset: 2148,
        length: 200,
        file: 'X',
      });
    });

    it('rejects an offset past the end of the file', () => {
      expect(() => areaFromIgnInfo({ file: 'x', offset: 301 }, 1, 300)).to.throw(IsoError, 'beyond the end of x');
    });
  });

  describe('locateEmbedArea on genisoimage images', () => {
    let dir: string | undefined;

    before(async () => {
      dir = await makeTempDir();
    });

    after(async () => removeTempDir(dir));

    it('follows COREOS/IGNINFO.JSO to images/ignition.img (2023+ layout)', async () => {
      const iso = await buildIso(dir ?? '', 'igninfo');

      const area = await locate(iso);

      expect(area).to.deep.equal({
        offset: (await isoinfoSector(iso, 'IMAGES', 'IGNITION.IMG')) * SECTOR_SIZE,
        length: AREA_SIZE,
        file: 'IMAGES/IGNITION.IMG',
      });
    });

    it('falls back to IMAGES/IGNITION.IMG without IGNINFO.JSO (legacy layout)', async () => {
      const iso = await buildIso(dir ?? '', 'legacy');

      const area = await locate(iso);

      expect(area).to.deep.equal({
        offset: (await isoinfoSector(iso, 'IMAGES', 'IGNITION.IMG')) * SECTOR_SIZE,
        length: AREA_SIZE,
        file: 'IMAGES/IGNITION.IMG',
      });
    });

    it('uses the IGNINFO offset and length inside cdboot.img (s390x layout)', async () => {
      const iso = await buildIso(dir ?? '', 's390x');

      const area = await locate(iso);
      const bytes = await read(iso);

      expect(area.offset).to.equal((await isoinfoSector(iso, 'IMAGES', 'CDBOOT.IMG')) * SECTOR_SIZE + S390X_OFFSET);
      expect(area.length).to.equal(AREA_SIZE);
      expect(bytes[area.offset - 1]).to.equal(0x5a);
      expect(bytes.subarray(area.offset, area.offset + area.length).every((b) => b === 0)).to.equal(true);
      expect(bytes[area.offset + area.length]).to.equal(0x5a);
    });

    it('reports a non-CoreOS ISO as "Unrecognized CoreOS ISO image." with the reason as cause', async () => {
      const iso = await buildIso(dir ?? '', 'plain');

      const error = await expectRejection(locate(iso), IsoError, UNRECOGNIZED_ISO);

      expect(error.message).to.equal('Unrecognized CoreOS ISO image.');
      expect(errorChain(error)).to.deep.equal([
        UNRECOGNIZED_ISO,
        'finding initrd embed area',
        'intermediate directory IMAGES does not exist',
      ]);
    });

    it('reports an area extending past the end of the image', async () => {
      const iso = await buildIso(dir ?? '', 'igninfo', 'short.iso');
      const bytes = await read(iso);
      const area = await locate(iso);

      const error = await expectRejection(
        locateEmbedArea(await IsoFs.open(bufferByteSource(bytes)), area.offset + 100),
        IsoError,
        UNRECOGNIZED_ISO,
      );

      expect(errorChain(error)).to.deep.equal([
        UNRECOGNIZED_ISO,
        'reading initrd embed area',
        `reading ${AREA_SIZE} bytes at ${area.offset}: unexpected end of file`,
      ]);
    });

    it('reports IGNINFO.JSO pointing to a missing file', async () => {
      const iso = await buildIso(dir ?? '', 'plain', 'broken-igninfo.iso', {
        'coreos/igninfo.json': Buffer.from('{"file": "images/gone.img"}'),
        'images/other.img': Buffer.alloc(10),
      });

      const error = await expectRejection(locate(iso), IsoError, UNRECOGNIZED_ISO);

      expect(errorChain(error).slice(1)).to.deep.equal([
        'finding initrd embed area',
        'no record for GONE.IMG in directory IMAGES',
      ]);
    });

    it('reports an invalid IGNINFO.JSO', async () => {
      const iso = await buildIso(dir ?? '', 'legacy', 'bad-igninfo.iso', {
        'coreos/igninfo.json': Buffer.from('{"file": 7}'),
      });

      const error = await expectRejection(locate(iso), IsoError, UNRECOGNIZED_ISO);

      expect(errorChain(error).slice(1)).to.deep.equal(['decoding igninfo', 'missing field `file`']);
    });
  });
});
