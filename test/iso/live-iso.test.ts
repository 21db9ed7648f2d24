import { expect } from 'chai';
import { errorChain } from '../../common/cli/report.js';
import { IsoError } from '../../iso/errors.js';
import { Initrd } from '../../iso/initrd.js';
import { bufferByteSource } from '../../iso/iso9660.js';
import { readLiveIso, renderArea } from '../../iso/live-iso.js';
import {
  AREA_SIZE,
  buildIso,
  expectRejection,
  makeTempDir,
  read,
  realCodecs,
  removeTempDir,
} from '../helpers/iso-fixtures.js';

const codecs = realCodecs();

describe('iso/live-iso', () => {
  let dir: string | undefined;

  before(async () => {
    dir = await makeTempDir();
  });

  after(async () => removeTempDir(dir));

  describe('renderArea', () => {
    it('is all zeros for an empty initrd', async () => {
      const area = await renderArea(new Initrd(), 4096, codecs.xz);

      expect(area).to.deep.equal(Buffer.alloc(4096));
    });

    it('is the xz initrd followed by zero padding up to the capacity', async () => {
      const initrd = new Initrd();
      initrd.add('config.ign', Buffer.from('{}'));

      const area = await renderArea(initrd, 1024, codecs.xz);
      const end = area.lastIndexOf(Buffer.from('YZ')) + 2;

      expect(area.length).to.equal(1024);
      expect(area.subarray(0, 6)).to.deep.equal(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
      expect(area.subarray(end).every((b) => b === 0)).to.equal(true);
    });

    it("fails with upstream's message when the compressed initrd does not fit", async () => {
      const initrd = new Initrd();
      initrd.add('config.ign', Buffer.from('{}'));

      const error = await expectRejection(
        renderArea(initrd, 100, codecs.xz),
        IsoError,
        'Compressed initramfs is too large: ',
      );

      expect(error.message).to.match(/^Compressed initramfs is too large: 1\d\d > 100$/);
    });
  });

  describe('readLiveIso', () => {
    it('reports an area holding something that is not an initrd', async () => {
      const iso = await buildIso(dir ?? '', 'igninfo');
      const image = await read(iso);
      const { area } = await readLiveIso(bufferByteSource(image), codecs);
      image.write('garbage, not an archive', area.offset, 'latin1');

      const error = await expectRejection(
        readLiveIso(bufferByteSource(image), codecs),
        IsoError,
        'Unrecognized CoreOS ISO image.',
      );

      expect(errorChain(error).slice(0, 3)).to.deep.equal([
        'Unrecognized CoreOS ISO image.',
        'decoding initrd embed area',
        'reading CPIO entry',
      ]);
      expect(area.length).to.equal(AREA_SIZE);
    });

    it('reports a file that is not an ISO as "parsing ISO9660 image"', async () => {
      const error = await expectRejection(
        readLiveIso(bufferByteSource(Buffer.alloc(50000, 1)), codecs),
        IsoError,
        'parsing ISO9660 image',
      );

      expect(errorChain(error)[1]).to.equal('getting volume descriptor #1');
    });
  });
});
