/**
 * Builds the typed AgentConfig from, lowest to highest precedence: defaults,
 * the kernel command line (`ipa-*`), the `*.conf` files of each config dir
 * (directories in order, each one's files in name order, as oslo.config's
 * repeated --config-dir), the environment (upstream CoreOS unit variables),
 * then flags.
 *
 * As in IPA, kernel parameters only provide option defaults: a config file
 * (e.g. the live ISO's `ignition.conf`) beats the kernel command line.
 */
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../../common/errors.js';
import { parseFlags, type FlagValue } from './flags.js';
import { type OptionSpec } from '../../common/agent-config/option-spec.js';
import { OPTIONS, findOption } from '../../common/agent-config/options.js';
import {
  listConfigFiles,
  readConfigFile,
  readEnv,
  readKernelCmdline,
  type ConfigFs,
  type ConfigNotice,
  type RawAssignment,
} from './sources.js';
import type { AgentConfig } from '../../common/agent-config/types.js';
import { InvalidValueError, convertValue } from '../../common/agent-config/values.js';

/** Input of {@link loadConfig}. */
export interface LoadConfigInput {
  /** Arguments after `agent` (flags). */
  argv: readonly string[];
  /** Reads the kernel command line and the config dirs. */
  fs: ConfigFs;
  /** Environment for the `env` options. Default: none read. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives warnings and debug notes to log once the logger exists. Default: dropped. */
  onNotice?: (notice: ConfigNotice) => void;
}

/** A config holding every option's default and no sources. */
export function defaultConfig(): AgentConfig {
  const config: Record<string, unknown> = { sources: {} };
  for (const spec of OPTIONS) config[spec.field] = structuredClone(spec.default);
  return config as unknown as AgentConfig;
}

/**
 * Load and validate the configuration.
 * @throws UsageError for unknown flags or stray arguments
 * @throws ConfigError naming the option, the offending value and where it came from
 */
export async function loadConfig(input: LoadConfigInput): Promise<AgentConfig> {
  const { fs } = input;
  const notify = input.onNotice ?? ((): void => undefined);
  const flags = parseFlags(input.argv).values;
  const config = defaultConfig();

  // The flags that say where the other layers are, applied first. Repeated
  // --config-dir flags name several directories, read in the order given.
  const dirFlags = flags.filter((f) => f.spec.name === 'config_dir');
  const cmdlineFlag = lastFlag(flags, 'cmdline_path');
  applyFlags(config, dirFlags);
  if (cmdlineFlag !== undefined) apply(config, [cmdlineFlag]);

  apply(config, await readKernelCmdline(fs, config.cmdlinePath, cmdlineFlag !== undefined, notify));
  for (const dir of config.configDirs) {
    const dirSource =
      dirFlags.find((f) =>
        f.raw
          .split(',')
          .map((d) => d.trim())
          .includes(dir),
      )?.flag ?? 'default';
    for (const file of await listConfigFiles(fs, dir, dirSource, notify)) {
      apply(config, await readConfigFile(fs, file, notify));
    }
  }
  apply(config, readEnv(input.env ?? {}));
  applyFlags(config, flags);

  validate(config);
  if (config.apiUrls.length === 0 && !config.standalone) {
    notify({
      level: 'warn',
      message: 'No api_url configured: the agent will not look up its node or heartbeat',
      meta: {},
    });
  }
  return config;
}

/** Convert and store each assignment in order (later ones win), recording its source. */
function apply(config: AgentConfig, assignments: readonly RawAssignment[]): void {
  for (const assignment of assignments) {
    setOption(config, assignment.spec, convert(assignment), assignment.source);
  }
}

/** Flags: scalars last-wins; repeated list flags accumulate. */
function applyFlags(config: AgentConfig, flags: readonly FlagValue[]): void {
  const seen = new Set<string>();
  for (const flag of flags) {
    const value = convert({ spec: flag.spec, raw: flag.raw, source: flag.flag });
    const kind = flag.spec.type.kind;
    const previous = (config as unknown as Record<string, unknown>)[flag.spec.field];
    const accumulate = seen.has(flag.spec.name) && (kind === 'list' || kind === 'url-list');
    seen.add(flag.spec.name);
    setOption(config, flag.spec, accumulate ? combine(previous, value) : value, flag.flag);
  }
}

function combine(previous: unknown, value: unknown): unknown {
  if (Array.isArray(previous) && Array.isArray(value)) return [...(previous as unknown[]), ...(value as unknown[])];
  if (typeof previous === 'string' && typeof value === 'string') return `${previous},${value}`;
  return value ?? previous;
}

function setOption(config: AgentConfig, spec: OptionSpec, value: unknown, source: string): void {
  (config as unknown as Record<string, unknown>)[spec.field] = value;
  config.sources[spec.name] = source;
}

function convert(assignment: RawAssignment): unknown {
  const { spec, raw, source } = assignment;
  try {
    return convertValue(spec, raw);
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error;
    const shown = spec.secret === true ? '' : ` ${JSON.stringify(raw.trim())}`;
    throw new ConfigError(`invalid value${shown} for ${spec.name} (from ${source}): ${error.message}`);
  }
}

function lastFlag(flags: readonly FlagValue[], name: string): RawAssignment | undefined {
  const matching = flags.filter((f) => f.spec.name === name);
  const last = matching[matching.length - 1];
  return last === undefined ? undefined : { spec: last.spec, raw: last.raw, source: last.flag };
}

/** Rules across options. */
function validate(config: AgentConfig): void {
  const from = (name: string): string => config.sources[name] ?? 'default';
  if (config.listenTls) {
    for (const name of ['tls_cert_file', 'tls_key_file'] as const) {
      if (valueOf(config, name) === null) {
        throw new ConfigError(
          `listen_tls is enabled (from ${from('listen_tls')}) but ${name} is not set: ` +
            'set both tls_cert_file and tls_key_file, or disable listen_tls',
        );
      }
    }
  }
  if ((config.certfile === null) !== (config.keyfile === null)) {
    const [set, unset] = config.certfile === null ? ['keyfile', 'certfile'] : ['certfile', 'keyfile'];
    throw new ConfigError(
      `${set} is set (from ${from(set)}) but ${unset} is not: a client certificate needs both certfile and keyfile`,
    );
  }
  if (config.tlsCipherSuites !== null) {
    try {
      createSecureContext({ ciphers: config.tlsCipherSuites });
    } catch {
      throw new ConfigError(
        `invalid value ${JSON.stringify(config.tlsCipherSuites)} for tls_cipher_suites (from ${from('tls_cipher_suites')}): ` +
          'expected an OpenSSL cipher list such as ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384',
      );
    }
  }
}

function valueOf(config: AgentConfig, name: string): unknown {
  const spec = findOption(name);
  return spec === undefined ? undefined : (config as unknown as Record<string, unknown>)[spec.field];
}
