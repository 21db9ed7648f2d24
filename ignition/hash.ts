/**
 * The one hash of an Ignition config this project compares across machines:
 * sha256 of the config's exact bytes, hex. `reprovision` records it in its
 * stamp and success marker, `fleet` compares a node's report with it.
 */
import { createHash } from 'node:crypto';

/** sha256 hex of a config's text (its UTF-8 bytes). */
export function configSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
