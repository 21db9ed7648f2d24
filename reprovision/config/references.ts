/**
 * What an Ignition 3.x config fetches when it runs, as a pure function: every
 * `source` the spec allows (coreos/ignition config/v3_4_experimental/types:
 * `ignition.config.merge`/`replace`, `ignition.security.tls.certificateAuthorities`,
 * `storage.files[].contents` and `.append`, `storage.luks[].keyFile`), with
 * the `verification.hash` Ignition will check.
 */

/** One resource the config references. */
export interface ConfigReference {
  /** JSON path of the resource object, in Ignition's style (`$.storage.files.0.contents`). */
  readonly path: string;
  readonly source: string;
  /** `sha512-<hex>` or `sha256-<hex>` when the config pins the content. */
  readonly hash?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The reference a resource object makes, if it has a non-empty string `source`. */
function resource(path: string, value: unknown): ConfigReference[] {
  if (!isObject(value) || typeof value['source'] !== 'string' || value['source'] === '') return [];
  const verification = value['verification'];
  const hash = isObject(verification) && typeof verification['hash'] === 'string' ? verification['hash'] : undefined;
  return [{ path, source: value['source'], ...(hash === undefined ? {} : { hash }) }];
}

/** Every resource of a parsed config, in document order. Malformed parts are skipped (the validator reports them). */
export function configReferences(config: unknown): ConfigReference[] {
  if (!isObject(config)) return [];
  const refs: ConfigReference[] = [];
  const ignition = isObject(config['ignition']) ? config['ignition'] : {};
  const ignConfig = isObject(ignition['config']) ? ignition['config'] : {};
  asArray(ignConfig['merge']).forEach((m, i) => refs.push(...resource(`$.ignition.config.merge.${i}`, m)));
  refs.push(...resource('$.ignition.config.replace', ignConfig['replace']));
  const security = isObject(ignition['security']) ? ignition['security'] : {};
  const tls = isObject(security['tls']) ? security['tls'] : {};
  asArray(tls['certificateAuthorities']).forEach((ca, i) =>
    refs.push(...resource(`$.ignition.security.tls.certificateAuthorities.${i}`, ca)),
  );
  const storage = isObject(config['storage']) ? config['storage'] : {};
  asArray(storage['files']).forEach((file, i) => {
    if (!isObject(file)) return;
    refs.push(...resource(`$.storage.files.${i}.contents`, file['contents']));
    asArray(file['append']).forEach((a, j) => refs.push(...resource(`$.storage.files.${i}.append.${j}`, a)));
  });
  asArray(storage['luks']).forEach((luks, i) => {
    if (isObject(luks)) refs.push(...resource(`$.storage.luks.${i}.keyFile`, luks['keyFile']));
  });
  return refs;
}

/** The URL scheme of a source, lower case (`data`, `http`, `https`, `s3`, `tftp`, `gs`, `arn`). */
export function sourceScheme(source: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(source);
  return match === null ? '' : match[1]!.toLowerCase();
}
