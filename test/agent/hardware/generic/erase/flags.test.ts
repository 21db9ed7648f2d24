import { expect } from 'chai';
import { InvalidCommandParamsError } from '../../../../../common/errors.js';
import { readEraseFlags } from '../../../../../agent/hardware/generic/erase/flags.js';
import { node } from './support.js';

describe('erase/flags', () => {
  it('applies IPA defaults when driver_internal_info is empty', () => {
    expect(readEraseFlags(node())).to.deep.equal({
      enableNvmeSecureErase: true,
      enableAtaSecureErase: true,
      continueIfSecureEraseFailed: false,
      iterations: 1,
      zeroize: true,
      skipReadOnly: false,
      concurrency: 1,
    });
  });

  it('applies defaults when the node has no driver_internal_info at all', () => {
    expect(readEraseFlags({ uuid: 'x' }).iterations).to.equal(1);
  });

  const table: {
    title: string;
    info: Record<string, unknown>;
    key: keyof ReturnType<typeof readEraseFlags>;
    expected: unknown;
  }[] = [
    {
      title: 'nvme secure erase disabled',
      info: { agent_enable_nvme_secure_erase: false },
      key: 'enableNvmeSecureErase',
      expected: false,
    },
    {
      title: 'ata secure erase disabled',
      info: { agent_enable_ata_secure_erase: false },
      key: 'enableAtaSecureErase',
      expected: false,
    },
    {
      title: 'continue flag (new name)',
      info: { agent_continue_if_secure_erase_failed: true },
      key: 'continueIfSecureEraseFailed',
      expected: true,
    },
    {
      title: 'continue flag (deprecated ATA name)',
      info: { agent_continue_if_ata_erase_failed: true },
      key: 'continueIfSecureEraseFailed',
      expected: true,
    },
    {
      title: 'new continue flag wins over the deprecated one',
      info: { agent_continue_if_secure_erase_failed: false, agent_continue_if_ata_erase_failed: true },
      key: 'continueIfSecureEraseFailed',
      expected: false,
    },
    {
      title: 'null new continue flag falls back to the deprecated one',
      info: { agent_continue_if_secure_erase_failed: null, agent_continue_if_ata_erase_failed: true },
      key: 'continueIfSecureEraseFailed',
      expected: true,
    },
    { title: 'iterations', info: { agent_erase_devices_iterations: 3 }, key: 'iterations', expected: 3 },
    { title: 'zero iterations', info: { agent_erase_devices_iterations: 0 }, key: 'iterations', expected: 0 },
    {
      title: 'iterations as a numeric string',
      info: { agent_erase_devices_iterations: '2' },
      key: 'iterations',
      expected: 2,
    },
    { title: 'zeroize off', info: { agent_erase_devices_zeroize: false }, key: 'zeroize', expected: false },
    {
      title: 'zeroize as the string "False"',
      info: { agent_erase_devices_zeroize: 'False' },
      key: 'zeroize',
      expected: false,
    },
    { title: 'skip read-only', info: { agent_erase_skip_read_only: true }, key: 'skipReadOnly', expected: true },
    { title: 'concurrency', info: { disk_erasure_concurrency: 4 }, key: 'concurrency', expected: 4 },
  ];
  for (const row of table) {
    it(`reads ${row.title}`, () => {
      expect(readEraseFlags(node(row.info))[row.key]).to.equal(row.expected);
    });
  }

  const bad: { info: Record<string, unknown>; message: RegExp }[] = [
    {
      info: { agent_erase_devices_iterations: -1 },
      message: /agent_erase_devices_iterations must be an integer of at least 0, got -1/,
    },
    { info: { agent_erase_devices_iterations: 1.5 }, message: /agent_erase_devices_iterations/ },
    { info: { agent_erase_devices_iterations: 'many' }, message: /got "many"/ },
    { info: { disk_erasure_concurrency: 0 }, message: /disk_erasure_concurrency must be an integer of at least 1/ },
    {
      info: { agent_erase_devices_zeroize: 'maybe' },
      message: /agent_erase_devices_zeroize must be true or false, got "maybe"/,
    },
    { info: { agent_enable_ata_secure_erase: {} }, message: /agent_enable_ata_secure_erase/ },
  ];
  for (const row of bad) {
    it(`rejects ${JSON.stringify(row.info)} with an error naming the flag`, () => {
      expect(() => readEraseFlags(node(row.info))).to.throw(InvalidCommandParamsError, row.message);
    });
  }
});
