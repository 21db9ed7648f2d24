/**
 * Pure parsing of the kernel command line (`/proc/cmdline`) and mapping of its
 * `ipa-*` parameters and `BOOTIF` to IPA option names.
 *
 * Tokenising follows the kernel's own rules (lib/cmdline.c `next_arg`):
 * whitespace separates parameters except inside double quotes, and quotes
 * around a value or around the whole parameter are dropped. IPA itself only
 * splits on whitespace, so a quoted value is the one place we read more.
 */
import { type OptionSpec } from '../../common/agent-config/option-spec.js';
import { OPTIONS, isIgnoredOption } from '../../common/agent-config/options.js';

/** One parameter: `key=value`, or a bare flag (`value` null). */
export interface KernelParam {
  key: string;
  value: string | null;
}

/** A kernel parameter that sets an option. */
export interface KernelOptionValue {
  spec: OptionSpec;
  /** The parameter as written, e.g. `ipa-listen-port`. */
  param: string;
  raw: string;
}

/** What {@link mapKernelParams} found. */
export interface KernelMapping {
  values: KernelOptionValue[];
  /** `ipa-*` parameters no option knows (worth a warning). */
  unknown: string[];
  /** `ipa-*` parameters of IPA options that have no effect here. */
  ignored: string[];
  /** Bare `ipa-*` flags of non-boolean options (they need `=value`). */
  missingValue: string[];
}

/** Split command-line text into parameters, in order. */
export function parseCmdline(text: string): KernelParam[] {
  const params: KernelParam[] = [];
  let rest = text.trim();
  while (rest !== '') {
    const { token, remaining } = nextToken(rest);
    params.push(splitParam(token));
    rest = remaining.trimStart();
  }
  return params;
}

/** Cut the next parameter off `text` (which starts with a non-space). */
function nextToken(text: string): { token: string; remaining: string } {
  let inQuote = false;
  let end = 0;
  for (; end < text.length; end++) {
    const char = text[end] ?? '';
    if (/\s/.test(char) && !inQuote) break;
    if (char === '"') inQuote = !inQuote;
  }
  return { token: text.slice(0, end), remaining: text.slice(end) };
}

/** `key=value` → pair; strip the quotes the kernel strips. */
function splitParam(token: string): KernelParam {
  let body = token;
  if (body.startsWith('"')) {
    body = body.slice(1);
    if (body.endsWith('"')) body = body.slice(0, -1);
  }
  const equals = body.indexOf('=');
  if (equals < 0) return { key: body, value: null };
  let value = body.slice(equals + 1);
  if (value.startsWith('"')) {
    value = value.slice(1);
    if (value.endsWith('"')) value = value.slice(0, -1);
  }
  return { key: body.slice(0, equals), value };
}

/**
 * Map parameters to options through each option's `kernel` name (ipa-api-url →
 * api_url, ipa-ip-lookup-timeout → ip_lookup_sleep, ipa-debug → debug,
 * BOOTIF → bootif). Later duplicates win, as in IPA's dict. A bare flag sets a
 * boolean option to true. Non-`ipa-` parameters (root=, console=, …) are skipped.
 */
export function mapKernelParams(params: readonly KernelParam[]): KernelMapping {
  const byParam = new Map<string, KernelOptionValue>();
  const mapping: KernelMapping = { values: [], unknown: [], ignored: [], missingValue: [] };
  for (const { key, value } of params) {
    const spec = OPTIONS.find((o) => o.kernel === key);
    if (spec === undefined) {
      if (key.startsWith('ipa-')) (isIgnoredOption(key.slice(4)) ? mapping.ignored : mapping.unknown).push(key);
      continue;
    }
    if (value === null && spec.type.kind !== 'bool') {
      mapping.missingValue.push(key);
      continue;
    }
    byParam.delete(key);
    byParam.set(key, { spec, param: key, raw: value ?? 'true' });
  }
  mapping.values = [...byParam.values()];
  return mapping;
}

/**
 * The MAC address in a BOOTIF value (`01-52-54-00-12-34-56` → `52:54:00:12:34:56`);
 * null when it does not hold an Ethernet address.
 */
export function bootifToMac(bootif: string): string | null {
  const parts = bootif.toLowerCase().split(/[-:]/);
  if (parts.some((p) => !/^[0-9a-f]{2}$/.test(p))) return null;
  if (parts.length === 7 && parts[0] === '01') return parts.slice(1).join(':');
  if (parts.length === 6) return parts.join(':');
  return null;
}
