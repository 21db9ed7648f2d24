import { expect } from 'chai';
import {
  describeDevice,
  guessFailureText,
  noMatchText,
} from '../../../../agent/hardware/generic/install-device-text.js';
import { GiB, makeDevice } from '../../../helpers/block-device.js';

describe('generic/install-device-text', () => {
  it('describeDevice shows every identifying field, "none" when unknown', () => {
    expect(describeDevice(makeDevice('/dev/loop4', 5 * GiB))).to.equal(
      '/dev/loop4 (5 GiB, model none, serial none, wwn none, vendor none, rotational false, hctl none, by_path none, tran none)',
    );
  });

  it('no devices at all: says so, with or without hints', () => {
    expect(noMatchText('{"size":8} (from --hints)', [], [])).to.equal(
      'No suitable device was found for deployment using these hints {"size":8} (from --hints). No block devices were found, so there was nothing to match. ' +
        'Check the device allowlist, properties.skip_block_devices and that the disks are attached.',
    );
    expect(guessFailureText('IPA.', [], [])).to.equal(
      'IPA. No block devices were found. Attach a disk of at least 4 GiB, or check the device allowlist and properties.skip_block_devices.',
    );
  });
});
