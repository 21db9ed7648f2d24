/**
 * Reading the raw option values of each configuration layer: the `*.conf`
 * files of the config dir, the environment and the kernel command line.
 * Each value keeps a human-readable source for error messages.
 */
import { join } from 'node:path';
import { ConfigError } from '../../common/errors.js';
import type { Fs } from '../../common/fs/fs.js';
import { mapKernelParams, parseCmdline } from './cmdline.js';
import { parseIni, type IniDocument } from './ini.js';
import { type OptionSpec } from '../../common/agent-config/option-spec.js';
import {
  KNOWN_IPA_SECTIONS,
  OPTIONS,
  SSL_SECTION_ALIASES,
  findOption,
  isIgnoredOption,
} from '../../common/agent-config/options.js';

/** The filesystem calls the loader needs: the {@link Fs} seam's reads (rejections carry the errno `code`). */
export type ConfigFs = Pick<Fs, 'readFile' | 'readdir'>;

/** Something the loader wants logged once a logger exists (messages are static; details in meta). */
export interface ConfigNotice {
  level: 'warn' | 'debug';
  message: string;
  meta: Record<string, unknown>;
}

/** One raw value for one option, and where it came from. */
export interface RawAssignment {
  spec: OptionSpec;
  raw: string;
  /** E.g. `/etc/ironic-python-agent/10-x.conf line 3`, `--listen-port`. */
  source: string;
}

type Notify = (notice: ConfigNotice) => void;

/** The config files of `dir` in the order they apply (`*.conf` by name, as oslo's --config-dir). */
export async function listConfigFiles(fs: ConfigFs, dir: string, dirSource: string, notify: Notify): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') {
      notify({ level: 'debug', message: 'Config directory not found; no config files read', meta: { configDir: dir } });
      return [];
    }
    const why = code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code})`;
    throw new ConfigError(
      `config_dir ${dir} (from ${dirSource}) ${why}: point --config-dir at a directory of *.conf files`,
    );
  }
  return names
    .filter((n) => n.endsWith('.conf') && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n));
}

/** Read one config file into assignments (`[DEFAULT]` plus the `[ssl]` aliases). */
export async function readConfigFile(fs: ConfigFs, file: string, notify: Notify): Promise<RawAssignment[]> {
  let text: string;
  try {
    text = await fs.readFile(file);
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file} (${errnoCode(error)}): fix its permissions or remove it`);
  }
  return assignmentsFromIni(parseIni(text, file), file, notify);
}

/** Turn a parsed INI document into assignments; unknown keys become warnings. */
export function assignmentsFromIni(doc: IniDocument, file: string, notify: Notify): RawAssignment[] {
  const out: RawAssignment[] = [];
  for (const [section, entries] of Object.entries(doc)) {
    if (section !== 'DEFAULT' && section !== 'ssl') {
      const known = KNOWN_IPA_SECTIONS.includes(section);
      notify({
        level: known ? 'debug' : 'warn',
        message: known ? 'Config section has no effect in this agent' : 'Unknown config section ignored',
        meta: { file, section },
      });
      continue;
    }
    for (const [key, { value, line }] of Object.entries(entries)) {
      const name = section === 'ssl' ? SSL_SECTION_ALIASES[key] : key;
      const spec = name === undefined ? undefined : findOption(name);
      const where = `${file} line ${line}`;
      if (spec !== undefined && spec.flagOnly !== true) {
        out.push({ spec, raw: value, source: where });
      } else if (spec !== undefined) {
        notify({
          level: 'warn',
          message: 'Option can only be given as a command-line flag; ignored in config file',
          meta: { option: spec.name, source: where },
        });
      } else if (section === 'ssl' || isIgnoredOption(key)) {
        notify({
          level: 'debug',
          message: 'IPA option has no effect in this agent',
          meta: { option: key, source: where },
        });
      } else {
        notify({
          level: 'warn',
          message: 'Unknown config option ignored',
          meta: { option: key, section, source: where },
        });
      }
    }
  }
  return out;
}

/** Options set through the environment (upstream CoreOS unit variables); empty values are unset. */
export function readEnv(env: Readonly<Record<string, string | undefined>>): RawAssignment[] {
  const out: RawAssignment[] = [];
  for (const spec of OPTIONS) {
    const value = spec.env === undefined ? undefined : env[spec.env];
    if (spec.env !== undefined && value !== undefined && value.trim() !== '') {
      out.push({ spec, raw: value, source: `environment variable ${spec.env}` });
    }
  }
  return out;
}

/**
 * Read the kernel command line. A missing file is only an error when the path
 * was given explicitly.
 */
export async function readKernelCmdline(
  fs: ConfigFs,
  path: string,
  explicit: boolean,
  notify: Notify,
): Promise<RawAssignment[]> {
  let text: string;
  try {
    text = await fs.readFile(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' && !explicit) {
      notify({ level: 'debug', message: 'Kernel command line not readable; no ipa-* parameters used', meta: { path } });
      return [];
    }
    throw new ConfigError(`cannot read the kernel command line ${path} (${code}): check --cmdline-path`);
  }
  const mapping = mapKernelParams(parseCmdline(text));
  const missing = mapping.missingValue[0];
  if (missing !== undefined) {
    throw new ConfigError(
      `kernel parameter ${missing} in ${path} has no value: write ${missing}=<value> on the kernel command line`,
    );
  }
  if (mapping.unknown.length > 0)
    notify({
      level: 'warn',
      message: 'Unknown ipa-* kernel parameters ignored',
      meta: { params: mapping.unknown, path },
    });
  if (mapping.ignored.length > 0)
    notify({
      level: 'debug',
      message: 'IPA kernel parameters with no effect in this agent',
      meta: { params: mapping.ignored, path },
    });
  return mapping.values.map((v) => ({ spec: v.spec, raw: v.raw, source: `kernel parameter ${v.param} in ${path}` }));
}

function errnoCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
