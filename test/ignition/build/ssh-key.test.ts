import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../common/errors.js';
import { findDefaultPublicKey, parsePublicKeys } from '../../../ignition/build/ssh-key.js';

const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFJl1kqpRq0ZqG7zC1d7jQ0V1Z6bqQx7dQ7Y2x2cQm8g user@host';
const RSA = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 deploy';
const fs = { readdir: (d: string) => readdir(d), readFile: (p: string, e: 'utf8') => readFile(p, e) };

describe('ignition/build/ssh-key', () => {
  it('parses keys, skipping blanks, comments and duplicates', () => {
    expect(parsePublicKeys(`# keys\n\n${ED}\n${RSA}\r\n${ED}\n`, 'k.pub')).to.deep.equal([ED, RSA]);
  });

  it('accepts ecdsa and security-key types and keys without a comment', () => {
    const keys = ['ecdsa-sha2-nistp256 AAAAE2VjZHNh', 'sk-ssh-ed25519@openssh.com AAAAGnNr'];

    expect(parsePublicKeys(keys.join('\n'), 'k.pub')).to.deep.equal(keys);
  });

  const bad: [string, string, RegExp][] = [
    [
      'a private key',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n',
      /k\.pub is a private key: pass the matching \.pub file/,
    ],
    ['an unknown type', 'ssh-foo AAAA x', /k\.pub line 1 is not an OpenSSH public key/],
    ['authorized_keys options', `command="rm -rf /" ${ED}`, /line 1 is not an OpenSSH/],
    ['an empty file', '\n# nothing\n', /contains no SSH public key/],
    ['garbage on line 2', `${ED}\nhello`, /line 2/],
  ];
  for (const [name, text, message] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => parsePublicKeys(text, 'k.pub')).to.throw(ConfigError, message);
    });
  }

  describe('findDefaultPublicKey', () => {
    let home: string;
    beforeEach(async () => {
      home = await mkdtemp(join(tmpdir(), 'ign-home-'));
    });
    afterEach(async () => {
      await rm(home, { recursive: true, force: true });
    });

    it('returns the first id_*.pub in alphabetical order', async () => {
      await mkdir(join(home, '.ssh'));
      for (const name of ['id_rsa.pub', 'id_ed25519.pub', 'id_ed25519', 'other.pub', 'known_hosts'])
        await writeFile(join(home, '.ssh', name), 'x');

      expect(await findDefaultPublicKey(home, fs)).to.equal(join(home, '.ssh', 'id_ed25519.pub'));
    });

    it('returns null without ~/.ssh or without id_*.pub', async () => {
      expect(await findDefaultPublicKey(home, fs)).to.equal(null);
      await mkdir(join(home, '.ssh'));
      await writeFile(join(home, '.ssh', 'id_rsa'), 'private');

      expect(await findDefaultPublicKey(home, fs)).to.equal(null);
    });
  });
});
