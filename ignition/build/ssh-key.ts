/**
 * SSH public keys for user `core`: read from `--ssh-key FILE`, or the first
 * `~/.ssh/id_*.pub` (alphabetical), as openshift/ironic-agent-image's
 * build.py does. Only public keys in OpenSSH format are accepted, so a
 * private key can never end up in the Ignition config.
 */
import { join } from 'node:path';
import { ConfigError } from '../../common/errors.js';
import type { Fs } from '../../common/fs/fs.js';

/** The error when no key is given and none is found. */
export const NO_SSH_KEY_MESSAGE =
  'No SSH public key found: pass --ssh-key FILE, create one with ssh-keygen, or pass --no-ssh-key to build without SSH access';

const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];
const KEY_LINE = /^(\S+)\s+([A-Za-z0-9+/]+={0,3})(?:\s+[^\r\n]*)?$/;

/**
 * The public keys in `text` (one per line; blank lines and `#` comments skipped).
 * @param source - the file name, for messages
 * @throws ConfigError for a private key, an unknown key type, a malformed line or no key at all
 */
export function parsePublicKeys(text: string, source: string): string[] {
  if (text.includes('PRIVATE KEY-----'))
    throw new ConfigError(`${source} is a private key: pass the matching .pub file`);
  const keys: string[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = KEY_LINE.exec(line);
    if (match?.[1] === undefined || !KEY_TYPES.includes(match[1])) {
      throw new ConfigError(
        `${source} line ${index + 1} is not an OpenSSH public key (expected e.g. "ssh-ed25519 AAAA... comment")`,
      );
    }
    if (!keys.includes(line)) keys.push(line);
  }
  if (keys.length === 0) throw new ConfigError(`${source} contains no SSH public key`);
  return keys;
}

/**
 * The first `id_*.pub` in `<home>/.ssh`, or null when there is none.
 * @param home - the user's home directory
 */
export async function findDefaultPublicKey(home: string, fs: Pick<Fs, 'readdir'>): Promise<string | null> {
  const dir = join(home, '.ssh');
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const first = names.filter((n) => /^id_[^/]+\.pub$/.test(n)).sort()[0];
  return first === undefined ? null : join(dir, first);
}
