/**
 * Semantic rules of the Ignition validator (pure): run after the type walk
 * (ignition-shapes.ts) succeeded, so every value has its expected JSON type or
 * is absent/null.
 */
import { checkSourceUrl, urlScheme } from './url.js';
import {
  checkDropinName,
  checkHash,
  checkMode,
  checkPath,
  checkUnitName,
  cleanPath,
  joinPath,
  parseUnitSections,
} from './values.js';
import type { IgnitionIssue } from './issue.js';

type Rec = Record<string, unknown>;

/** Collects issues for one config of spec 3.`minor`. */
class Checker {
  readonly issues: IgnitionIssue[] = [];
  constructor(readonly minor: number) {}
  error(path: string, message: string | null): void {
    if (message !== null) this.issues.push({ path, message, severity: 'error' });
  }
  warn(path: string, message: string | null): void {
    if (message !== null) this.issues.push({ path, message, severity: 'warning' });
  }
}

const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const items = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((s) => (typeof s === 'string' ? s : '')) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Apply every semantic rule to a type-checked config. */
export function checkRules(config: Rec, minor: number): IgnitionIssue[] {
  const c = new Checker(minor);
  checkIgnition(c, rec(config['ignition']));
  checkStorage(c, rec(config['storage']));
  checkSystemd(c, rec(config['systemd']));
  const passwd = rec(config['passwd']);
  duplicates(c, [['$.passwd.groups', items(passwd['groups']).map((g) => str(g['name']) ?? '')]]);
  duplicates(c, [['$.passwd.users', items(passwd['users']).map((u) => str(u['name']) ?? '')]]);
  items(passwd['users']).forEach((user, i) => {
    duplicates(c, [[`$.passwd.users.${i}.groups`, strings(user['groups'])]]);
    duplicates(c, [[`$.passwd.users.${i}.sshAuthorizedKeys`, strings(user['sshAuthorizedKeys'])]]);
  });
  if (minor >= 3) {
    const kargs = rec(config['kernelArguments']);
    duplicates(c, [
      ['$.kernelArguments.shouldExist', strings(kargs['shouldExist'])],
      ['$.kernelArguments.shouldNotExist', strings(kargs['shouldNotExist'])],
    ]);
  }
  return c.issues;
}

/** Report every entry whose key was already seen in the same group of lists. */
function duplicates(c: Checker, lists: [string, string[]][]): void {
  const seen = new Set<string>();
  for (const [path, keys] of lists) {
    keys.forEach((key, i) => {
      if (seen.has(key)) c.error(`${path}.${i}`, 'duplicate entry defined');
      seen.add(key);
    });
  }
}

function checkIgnition(c: Checker, ignition: Rec): void {
  const config = rec(ignition['config']);
  const merge = items(config['merge']);
  merge.forEach((res, i) => {
    checkResource(c, res, `$.ignition.config.merge.${i}`, false);
    if (c.minor >= 1) requireSource(c, res, `$.ignition.config.merge.${i}`);
  });
  duplicates(c, [['$.ignition.config.merge', merge.map((r) => str(r['source']) ?? '')]]);
  checkResource(c, rec(config['replace']), '$.ignition.config.replace', false);
  const cas = items(rec(rec(ignition['security'])['tls'])['certificateAuthorities']);
  cas.forEach((res, i) => {
    const path = `$.ignition.security.tls.certificateAuthorities.${i}`;
    if (c.minor === 0) c.error(`${path}.source`, checkSourceUrl(str(res['source']) ?? '', 0));
    else {
      checkResource(c, res, path, false);
      requireSource(c, res, path);
    }
  });
  duplicates(c, [['$.ignition.security.tls.certificateAuthorities', cas.map((r) => str(r['source']) ?? '')]]);
  if (c.minor >= 1) checkProxy(c, rec(ignition['proxy']));
}

function requireSource(c: Checker, res: Rec, path: string): void {
  const source = str(res['source']) ?? '';
  c.error(path, source === '' ? 'source is required' : checkSourceUrl(source, c.minor));
}

function checkProxy(c: Checker, proxy: Rec): void {
  for (const key of ['httpProxy', 'httpsProxy'] as const) {
    const value = str(proxy[key]);
    if (value === undefined) continue;
    const scheme = urlScheme(value);
    const path = `$.ignition.proxy.${key}`;
    if (scheme.startsWith('!')) c.error(path, scheme.slice(1));
    else if (scheme !== 'http' && scheme !== 'https') c.error(path, 'proxies must be http(s)');
    else if (scheme === 'http' && key === 'httpsProxy')
      c.warn(path, 'insecure plaintext HTTP proxy specified for HTTPS resources');
  }
  duplicates(c, [['$.ignition.proxy.noProxy', strings(proxy['noProxy'])]]);
}

/** A file's contents/append entry, a merged/replaced config or a CA. */
function checkResource(c: Checker, res: Rec, path: string, file: boolean): void {
  const source = str(res['source']);
  const compression = str(res['compression']);
  if ((file || c.minor >= 1) && compression !== undefined && compression !== '' && compression !== 'gzip') {
    c.error(`${path}.compression`, 'invalid compression method (only gzip)');
  }
  const hash = str(rec(res['verification'])['hash']);
  if (hash !== undefined) {
    if ((file || c.minor >= 1) && source === undefined)
      c.error(`${path}.verification.hash`, 'source must be specified if verification is specified');
    c.error(`${path}.verification.hash`, checkHash(hash, c.minor));
  }
  if (source !== undefined && source !== '') c.error(`${path}.source`, checkSourceUrl(source, c.minor));
  const headers = items(res['httpHeaders']);
  if (c.minor < 1 || headers.length === 0) return;
  const scheme = source === undefined || source === '' ? '!' : urlScheme(source);
  if (scheme.startsWith('!')) c.error(`${path}.httpHeaders`, 'unable to parse url');
  else if (scheme !== 'http' && scheme !== 'https')
    c.error(`${path}.httpHeaders`, 'cannot use HTTP headers with this source scheme');
  headers.forEach((header, i) => {
    if ((str(header['name']) ?? '') === '') c.error(`${path}.httpHeaders.${i}.name`, "HTTP header name can't be empty");
    if (header['value'] === '') c.error(`${path}.httpHeaders.${i}.value`, 'unable to parse HTTP header');
  });
  duplicates(c, [[`${path}.httpHeaders`, headers.map((h) => str(h['name']) ?? '')]]);
}

function checkNode(c: Checker, node: Rec, path: string): void {
  c.error(`${path}.path`, checkPath(str(node['path']) ?? ''));
  for (const owner of ['user', 'group'] as const) {
    const value = rec(node[owner]);
    if (typeof value['id'] === 'number' && (str(value['name']) ?? '') !== '')
      c.error(`${path}.${owner}`, 'cannot set both id and name');
  }
  if (typeof node['mode'] === 'number') {
    const { error, warning } = checkMode(node['mode'], c.minor);
    c.error(`${path}.mode`, error ?? null);
    c.warn(`${path}.mode`, warning ?? null);
  }
}

const pathOf = (n: Rec): string => str(n['path']) ?? '';

function checkStorage(c: Checker, storage: Rec): void {
  const dirs = items(storage['directories']);
  const files = items(storage['files']);
  const links = items(storage['links']);
  duplicates(c, [
    ['$.storage.directories', dirs.map(pathOf)],
    ['$.storage.files', files.map(pathOf)],
    ['$.storage.links', links.map(pathOf)],
  ]);
  dirs.forEach((d, i) => checkNode(c, d, `$.storage.directories.${i}`));
  files.forEach((f, i) => {
    const path = `$.storage.files.${i}`;
    checkNode(c, f, path);
    const contents = rec(f['contents']);
    if (f['overwrite'] === true && str(contents['source']) === undefined)
      c.error(`${path}.overwrite`, 'overwrite must be false if source is unspecified');
    checkResource(c, contents, `${path}.contents`, true);
    items(f['append']).forEach((res, j) => checkResource(c, res, `${path}.append.${j}`, true));
  });
  checkLinks(c, dirs, files, links);
  checkVolumes(c, storage);
}

/** Nodes below a link, link targets, hard links to directories. */
function checkLinks(c: Checker, dirs: Rec[], files: Rec[], links: Rec[]): void {
  const under = (p: string, link: Rec): boolean => p.startsWith(`${pathOf(link)}/`);
  dirs.forEach(
    (d, i) =>
      links.some((l) => under(pathOf(d), l)) &&
      c.error(`$.storage.directories.${i}`, 'directory path includes link in config'),
  );
  files.forEach(
    (f, i) =>
      links.some((l) => under(pathOf(f), l)) && c.error(`$.storage.files.${i}`, 'file path includes link in config'),
  );
  links.forEach((link, i) => {
    const path = `$.storage.links.${i}`;
    checkNode(c, link, path);
    if (links.some((l) => under(pathOf(link), l))) c.error(path, 'link path includes link in config');
    const target = str(link['target']) ?? '';
    if (c.minor >= 3 && target === '') return c.error(`${path}.target`, 'link target is required');
    if (link['hard'] !== true) return;
    const resolved = target.startsWith('/') ? cleanPath(target) : joinPath(pathOf(link), target);
    if (dirs.some((d) => pathOf(d) === resolved)) c.error(path, 'hard link target is a directory');
  });
}

/** Filesystems (device and mount path), and duplicate disks, filesystems, raid and luks devices. */
function checkVolumes(c: Checker, storage: Rec): void {
  const filesystems = items(storage['filesystems']);
  filesystems.forEach((fs, i) => {
    c.error(`$.storage.filesystems.${i}.device`, checkPath(str(fs['device']) ?? ''));
    const mount = str(fs['path']);
    if (mount !== undefined && mount !== '') c.error(`$.storage.filesystems.${i}.path`, checkPath(mount));
  });
  duplicates(c, [['$.storage.filesystems', filesystems.map((fs) => str(fs['device']) ?? '')]]);
  duplicates(c, [['$.storage.disks', items(storage['disks']).map((d) => String(d['device'] ?? ''))]]);
  duplicates(c, [['$.storage.raid', items(storage['raid']).map((r) => String(r['name'] ?? ''))]]);
  duplicates(c, [['$.storage.luks', items(storage['luks']).map((l) => String(l['name'] ?? ''))]]);
}

function checkSystemd(c: Checker, systemd: Rec): void {
  const units = items(systemd['units']);
  duplicates(c, [['$.systemd.units', units.map((u) => str(u['name']) ?? '')]]);
  units.forEach((unit, i) => {
    const path = `$.systemd.units.${i}`;
    const name = str(unit['name']) ?? '';
    c.error(`${path}.name`, checkUnitName(name));
    const contents = str(unit['contents']);
    const parsed = contents === undefined ? { sections: [] } : parseUnitSections(contents);
    if ('error' in parsed) c.error(`${path}.contents`, `invalid unit content: ${parsed.error}`);
    else if (
      unit['enabled'] === true &&
      contents !== undefined &&
      contents !== '' &&
      !parsed.sections.includes('Install')
    ) {
      c.warn(
        `${path}.contents`,
        `unit ${JSON.stringify(name)} is enabled, but has no install section so enable does nothing`,
      );
    }
    const dropins = items(unit['dropins']);
    duplicates(c, [[`${path}.dropins`, dropins.map((d) => str(d['name']) ?? '')]]);
    dropins.forEach((dropin, j) => {
      const text = str(dropin['contents']);
      const result = text === undefined ? { sections: [] } : parseUnitSections(text);
      if ('error' in result) c.error(`${path}.dropins.${j}.contents`, `invalid unit content: ${result.error}`);
      c.error(`${path}.dropins.${j}.name`, checkDropinName(str(dropin['name']) ?? ''));
    });
  });
}
