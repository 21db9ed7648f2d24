/**
 * Validation of everything that shapes the coreos-installer command line
 * (pure): `instance_info.image_source`, configdrive meta_data
 * (`coreos_append_karg`, `coreos_copy_network`), the step arguments and the
 * agent's CoreOS options. Runs before any disk is resolved or touched; every
 * error says which input to fix.
 */
import { DeploymentError } from '../../../common/errors.js';
import { INSTALL_COREOS_ARGS } from './argsinfo.js';
import type { InstallOptions } from './installer-args.js';

/** The part of AgentConfig that shapes the install. */
export interface InstallConfig {
  coreosCopyNetwork: boolean;
  coreosIpOptions: string | null;
  coreosAllowUnsignedImage: boolean;
}

/** InstallOptions minus what is only known later (root mount, device, Ignition). */
export type InstallSettings = Omit<InstallOptions, 'rootMount' | 'device' | 'hasIgnition'>;

/** What {@link resolveInstallSettings} reads. */
export interface InstallInputs {
  instanceInfo: Record<string, unknown>;
  metaData: Record<string, unknown>;
  args: Record<string, unknown>;
  config: InstallConfig;
}

/**
 * Validate the inputs and resolve the installer settings.
 * @throws DeploymentError naming the offending input
 */
export function resolveInstallSettings(inputs: InstallInputs): InstallSettings {
  const { instanceInfo, metaData, args, config } = inputs;
  const unknown = Object.keys(args).filter((k) => !(INSTALL_COREOS_ARGS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new DeploymentError(
      `install_coreos does not accept argument(s) ${unknown.join(', ')}; accepted: ${INSTALL_COREOS_ARGS.join(', ')}`,
    );
  }
  return {
    imageUrl: imageUrl(instanceInfo['image_source']),
    allowUnsignedImage: config.coreosAllowUnsignedImage,
    appendKargs: [
      ...kernelArgs(metaData['coreos_append_karg'], 'meta_data coreos_append_karg'),
      ...kernelArgs(config.coreosIpOptions, 'the coreos_ip_options setting'),
    ],
    deleteKargs: kernelArgs(args['delete_karg'], 'step argument delete_karg'),
    copyNetwork:
      metaData['coreos_copy_network'] === undefined || metaData['coreos_copy_network'] === null
        ? config.coreosCopyNetwork
        : flag(metaData['coreos_copy_network'], 'meta_data coreos_copy_network'),
    consoles: stringList(args['console'], 'step argument console').map(consoleSpec),
    platform: platform(args['platform']),
    savePartlabels: commaList(args['save_partlabel'], 'step argument save_partlabel').map(partlabelGlob),
    savePartindexes: commaList(args['save_partindex'], 'step argument save_partindex').map(partindexRange),
  };
}

function imageUrl(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const url = typeof value === 'string' && !/\s/.test(value) && URL.canParse(value) ? new URL(value) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const scheme = url?.protocol ?? (typeof value === 'string' ? 'not a URL' : typeof value);
    throw new DeploymentError(
      `instance_info.image_source must be the http(s) URL of a CoreOS metal image (${scheme}); leave it unset to install the live image (--offline)`,
    );
  }
  return value as string;
}

/** Split a kernel command line on whitespace outside double quotes. */
export function splitKernelArgs(text: string): string[] | null {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (/\s/.test(c) && !quoted) {
      if (current !== '') args.push(current);
      current = '';
    } else current += c;
  }
  if (quoted) return null;
  if (current !== '') args.push(current);
  return args;
}

function kernelArgs(value: unknown, source: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  const fail = (why: string): never => {
    throw new DeploymentError(`${source} ${why}; give a list such as ["console=ttyS0,115200n8", "rd.neednet=1"]`);
  };
  const entries =
    typeof value === 'string' ? (splitKernelArgs(value) ?? fail('has an unbalanced double quote')) : value;
  if (!Array.isArray(entries)) return fail(`must be a list of kernel arguments or a string, not ${typeof value}`);
  return entries.map((karg: unknown) => {
    if (typeof karg !== 'string' || karg === '') return fail('must only hold non-empty strings');
    if (/[\u0000-\u001f\u007f]/.test(karg)) return fail('contains a control character (newline, tab, ...)');
    if (karg.startsWith('-')) return fail(`has an entry starting with "-" (${JSON.stringify(karg)})`);
    const parts = splitKernelArgs(karg);
    if (parts === null || parts.length !== 1 || parts[0] !== karg)
      return fail(`has an entry that is not exactly one kernel argument (${JSON.stringify(karg)})`);
    return karg;
  });
}

function flag(value: unknown, source: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : null;
  if (text !== null && ['true', 'yes', 'on', '1'].includes(text)) return true;
  if (text !== null && ['false', 'no', 'off', '0', ''].includes(text)) return false;
  throw new DeploymentError(`${source} must be true or false`);
}

function stringList(value: unknown, source: string): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((item) => {
    if (typeof item === 'number' && Number.isInteger(item)) return String(item);
    if (typeof item !== 'string' || item.trim() === '' || item !== item.trim() || /[\u0000-\u001f\u007f]/.test(item)) {
      throw new DeploymentError(
        `${source} must be a non-empty string or a list of them, without leading/trailing spaces or control characters`,
      );
    }
    return item;
  });
}

function commaList(value: unknown, source: string): string[] {
  return stringList(value, source).flatMap((item) => item.split(','));
}

function consoleSpec(spec: string): string {
  if (/^(ttyS|ttyAMA)\d+(,\d+([noe][5-8]?)?)?$/.test(spec) || ['tty0', 'hvc0', 'ttysclp0'].includes(spec)) return spec;
  throw new DeploymentError(
    `step argument console ${JSON.stringify(spec)} is not a console coreos-installer supports: use ttyS<n>[,<speed>[n|o|e[<bits>]]], ` +
      'ttyAMA<n>[,...], tty0, hvc0 or ttysclp0 (without "console=" or "/dev/")',
  );
}

function platform(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(value)) return value;
  throw new DeploymentError(
    'step argument platform must be an Ignition platform ID such as "metal", "qemu" or "vmware"',
  );
}

function partlabelGlob(glob: string): string {
  const bad =
    glob === ''
      ? 'is empty'
      : glob.startsWith('-')
        ? 'starts with "-"'
        : glob.includes('***') || !balancedBrackets(glob)
          ? 'is not a valid glob'
          : null;
  if (bad === null) return glob;
  throw new DeploymentError(
    `step argument save_partlabel ${JSON.stringify(glob)} ${bad}; give partition-label globs such as "data*"`,
  );
}

function balancedBrackets(glob: string): boolean {
  const open = glob.indexOf('[');
  return open < 0 || glob.indexOf(']', open + 2) > open;
}

function partindexRange(range: string): string {
  const match = /^(\d*)-?(\d*)$/.exec(range);
  const [start, end] = [match?.[1] ?? '', match?.[2] ?? ''];
  const ok =
    match !== null &&
    (start !== '' || end !== '') &&
    start !== '0' &&
    end !== '0' &&
    !/^0\d/.test(start + end) &&
    (range.includes('-') || end === '') &&
    (start === '' || end === '' || Number(start) <= Number(end));
  if (ok) return range;
  throw new DeploymentError(
    `step argument save_partindex ${JSON.stringify(range)} is not a partition number or range; use "5", "5-7", "5-" or "-7" (numbers start at 1)`,
  );
}
