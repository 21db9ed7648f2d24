/**
 * The new config, read, validated, its remote resources fetched and hashed,
 * before anything is changed: the first guarantee of `reprovision`.
 */
import { configSha256 } from '../../ignition/hash.js';
import { checkConfigText, issueLine } from '../../ignition/config-text.js';
import { ReprovisionError } from '../errors.js';
import type { HttpGet } from './http.js';
import { configReferences, sourceScheme, type ConfigReference } from './references.js';

/** Largest remote resource downloaded to check it (streamed, never kept). */
export const MAX_RESOURCE_BYTES = 8 * 1024 * 1024 * 1024;

/** A resource and what checking it found. */
export interface CheckedReference extends ConfigReference {
  /** `fetched`: downloaded now (and its hash matched, if pinned); `inline`: a data URL; `at-boot`: a scheme only Ignition fetches. */
  readonly check: 'fetched' | 'inline' | 'at-boot';
  readonly bytes?: number;
}

/** A config ready to apply. */
export interface LoadedConfig {
  /** The exact bytes, as read (what is hashed, written and applied). */
  readonly text: string;
  /** sha256 of {@link text}, hex: the stamp and the success marker carry it. */
  readonly sha256: string;
  readonly version: string;
  readonly warnings: readonly string[];
  readonly references: readonly CheckedReference[];
}

/**
 * Parse and validate `text`, then fetch every http(s) resource it names.
 * @param origin - where the text came from, for messages (a path, `stdin` or a URL)
 * @throws ReprovisionError naming the problem; nothing has been changed
 */
export async function loadConfig(text: string, origin: string, get: HttpGet): Promise<LoadedConfig> {
  const checked = checkConfigText(text);
  if (checked.kind === 'not-json') {
    throw new ReprovisionError(
      `${origin} is not JSON: ${checked.error.message}`,
      'Pass an Ignition 3.x config (JSON); Butane files must be translated with `butane` first',
    );
  }
  if (checked.kind === 'invalid') {
    const hint =
      typeof checked.version === 'string' && checked.version.startsWith('2.')
        ? 'Fedora CoreOS only runs Ignition spec 3 configs: translate this 2.x config (e.g. with ign-converter) or write it in Butane'
        : 'Fix the config (ignition-validate shows the same problems) and run again; nothing was changed';
    const lines = checked.errors.map(issueLine);
    throw new ReprovisionError(`${origin} is not a valid Ignition config:\n    ${lines.join('\n    ')}`, hint);
  }
  const references: CheckedReference[] = [];
  for (const reference of configReferences(checked.config)) references.push(await checkReference(reference, get));
  return {
    text,
    sha256: configSha256(text),
    version: String((checked.config as { ignition: { version: string } }).ignition.version),
    warnings: checked.warnings.map(issueLine),
    references,
  };
}

/** Fetch one resource now when it can be (http, https), checking a pinned hash. @throws ReprovisionError */
async function checkReference(reference: ConfigReference, get: HttpGet): Promise<CheckedReference> {
  const scheme = sourceScheme(reference.source);
  if (scheme === 'data') return { ...reference, check: 'inline' };
  if (scheme !== 'http' && scheme !== 'https') return { ...reference, check: 'at-boot' };
  let result;
  try {
    result = await get(reference.source, { maxBytes: MAX_RESOURCE_BYTES });
  } catch (error) {
    throw new ReprovisionError(
      `${reference.path}: ${reference.source} cannot be fetched`,
      'Make the resource reachable from this node (Ignition fetches it again when it applies the config) and run again; nothing was changed',
      { cause: error },
    );
  }
  if (reference.hash !== undefined) checkHash(reference, result.digests);
  return { ...reference, check: 'fetched', bytes: result.bytes };
}

/** @throws ReprovisionError when the content does not match `verification.hash` */
function checkHash(reference: ConfigReference, digests: Readonly<Record<'sha256' | 'sha512', string>>): void {
  const [algorithm, expected] = reference.hash!.split('-', 2) as [string, string | undefined];
  const actual = algorithm === 'sha256' || algorithm === 'sha512' ? digests[algorithm] : undefined;
  if (actual === undefined || expected?.toLowerCase() !== actual) {
    throw new ReprovisionError(
      `${reference.path}: ${reference.source} does not match its verification.hash (${reference.hash}; got ${algorithm}-${actual ?? '?'})`,
      'Update the hash in the config or the resource on the server; Ignition would refuse it at boot. Nothing was changed',
    );
  }
}
