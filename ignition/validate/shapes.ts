/**
 * JSON shape of an Ignition 3.x config, per spec minor version, and the type
 * walk of the validator (pure).
 *
 * Only the structures install_coreos users commonly write are described key
 * by key (ignition, files, directories, links, units, users, groups, kernel
 * arguments); disks, raid, filesystems and luks are checked as lists of
 * objects, without unknown-key warnings inside them.
 */
import type { IgnitionIssue } from './issue.js';

/** A JSON shape. `open` objects accept any key. */
export type Shape =
  | { kind: 'string' | 'int' | 'bool' }
  | { kind: 'array'; items: Shape }
  | { kind: 'object'; fields: Record<string, Shape>; open?: boolean };

const S: Shape = { kind: 'string' };
const I: Shape = { kind: 'int' };
const B: Shape = { kind: 'bool' };
const list = (items: Shape): Shape => ({ kind: 'array', items });
const obj = (fields: Record<string, Shape>, open = false): Shape => ({ kind: 'object', fields, open });
const since = (minor: number, from: number, fields: Record<string, Shape>): Record<string, Shape> =>
  minor >= from ? fields : {};

/** The config shape for spec 3.`minor`. */
export function configShape(minor: number): Shape {
  const verification = obj({ hash: S });
  const resource = (legacyFile: boolean): Shape =>
    minor === 0
      ? obj({ ...(legacyFile ? { compression: S } : {}), source: S, verification })
      : obj({ compression: S, httpHeaders: list(obj({ name: S, value: S })), source: S, verification });
  const owner = obj({ id: I, name: S });
  const node = { group: owner, overwrite: B, path: S, user: owner };
  const anyObjects = list(obj({}, true));
  const ignition = obj({
    config: obj({ merge: list(resource(false)), replace: resource(false) }),
    security: obj({ tls: obj({ certificateAuthorities: list(resource(false)) }) }),
    timeouts: obj({ httpResponseHeaders: I, httpTotal: I }),
    version: S,
    ...since(minor, 1, { proxy: obj({ httpProxy: S, httpsProxy: S, noProxy: list(S) }) }),
  });
  const storage = obj({
    directories: list(obj({ ...node, mode: I })),
    disks: anyObjects,
    files: list(obj({ ...node, append: list(resource(true)), contents: resource(true), mode: I })),
    filesystems: list(obj({ device: S, path: S }, true)),
    links: list(obj({ ...node, hard: B, target: S })),
    raid: anyObjects,
    ...since(minor, 2, { luks: anyObjects }),
  });
  const unit = obj({ contents: S, dropins: list(obj({ contents: S, name: S })), enabled: B, mask: B, name: S });
  const user = obj({
    gecos: S,
    groups: list(S),
    homeDir: S,
    name: S,
    noCreateHome: B,
    noLogInit: B,
    noUserGroup: B,
    passwordHash: S,
    primaryGroup: S,
    sshAuthorizedKeys: list(S),
    shell: S,
    system: B,
    uid: I,
    ...since(minor, 2, { shouldExist: B }),
  });
  const group = obj({ gid: I, name: S, passwordHash: S, system: B, ...since(minor, 2, { shouldExist: B }) });
  return obj({
    ignition,
    passwd: obj({ groups: list(group), users: list(user) }),
    storage,
    systemd: obj({ units: list(unit) }),
    ...since(minor, 3, { kernelArguments: obj({ shouldExist: list(S), shouldNotExist: list(S) }) }),
  });
}

/**
 * Check JSON types against `shape`, as Go's decoder would: a wrong type is an
 * error (and the value is not looked into), `null` is accepted for scalars and
 * lists but only warned about for objects (Ignition then ignores the section),
 * and keys the spec does not know are warnings.
 * @returns false when a type error was found
 */
export function checkShape(value: unknown, shape: Shape, path: string, issues: IgnitionIssue[]): boolean {
  if (value === null) {
    if (shape.kind === 'object')
      issues.push({ path, message: 'null instead of an object; the section is ignored', severity: 'warning' });
    return true;
  }
  const problem = typeProblem(value, shape);
  if (problem !== null) {
    issues.push({ path, message: problem, severity: 'error' });
    return false;
  }
  let ok = true;
  if (shape.kind === 'array') {
    (value as unknown[]).forEach((item, index) => {
      ok = checkShape(item, shape.items, `${path}.${index}`, issues) && ok;
    });
  } else if (shape.kind === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childShape = shape.fields[key];
      if (childShape !== undefined) ok = checkShape(child, childShape, `${path}.${key}`, issues) && ok;
      else if (shape.open !== true)
        issues.push({ path: `${path}.${key}`, message: `Unused key ${key}`, severity: 'warning' });
    }
  }
  return ok;
}

function typeProblem(value: unknown, shape: Shape): string | null {
  const found = Array.isArray(value) ? 'array' : typeof value;
  switch (shape.kind) {
    case 'string':
      return typeof value === 'string' ? null : `expected a string, found ${found}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `expected true or false, found ${found}`;
    case 'int':
      return Number.isSafeInteger(value)
        ? null
        : `expected an integer, found ${typeof value === 'number' ? String(value) : found}`;
    case 'array':
      return Array.isArray(value) ? null : `expected a list, found ${found}`;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? null : `expected an object, found ${found}`;
  }
}
