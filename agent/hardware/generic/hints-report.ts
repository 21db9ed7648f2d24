/**
 * What `ironic-coreos-agent hints` prints: the decision of
 * decideInstallDevice as text or JSON. Pure. Every disk that was not a
 * candidate is listed with the reason (skip list, mounted filesystem, or left
 * out by the lister: read-only, virtual media, not a disk), and an excluded
 * disk the hints match says so.
 */
import type { DeviceNotFound } from '../../../common/errors.js';
import { IRONIC_REJECTED_HINTS } from '../root-device-hints/grammar.js';
import type { ExcludedDevice } from './block-devices.js';
import { serializeBlockDevice } from './disk-wire.js';
import { describeDevice } from './install-device-text.js';
import type { CandidateReport, ExcludedReport, InstallDeviceChoice, NoChoiceReport } from './install-device.js';

/** Report settings echoed in the JSON. */
export interface ReportSettings {
  strict: boolean;
  allowlist: readonly string[];
}

/** The text for a chosen disk (stdout). */
export function successText(choice: InstallDeviceChoice, notListed: readonly ExcludedDevice[]): string {
  const lines = [`Chosen disk: ${choice.device.name}`, `  ${describeDevice(choice.device)}`, `Why: ${choice.reason}`];
  if (choice.normalizedHints !== null) lines.push(`Normalised hints: ${JSON.stringify(choice.normalizedHints)}`);
  lines.push(...ironicNote(choice.normalizedHints), 'Candidates:');
  for (const c of choice.candidates) {
    const mark = c.device === choice.device ? '*' : ' ';
    const verdict = choice.method === 'guess' ? '' : ` — ${c.mismatch?.reason ?? 'matches'}`;
    lines.push(`  ${mark} ${describeDevice(c.device)}${verdict}`);
  }
  lines.push(...notConsidered(choice.excluded, notListed), 'Nothing was written.');
  return `${lines.join('\n')}\n`;
}

/** The text when no disk would be chosen (stderr). */
export function failureText(
  error: DeviceNotFound,
  report: NoChoiceReport,
  notListed: readonly ExcludedDevice[],
): string {
  const lines = [
    'No disk would be chosen.',
    error.details,
    report.candidates.length === 0 ? 'Candidates: none' : 'Candidates:',
  ];
  for (const c of report.candidates)
    lines.push(`    ${describeDevice(c.device)}${c.mismatch === null ? '' : ` — ${c.mismatch.reason}`}`);
  lines.push(...notConsidered(report.excluded, notListed), 'Nothing was written.');
  return `${lines.join('\n')}\n`;
}

/** The `--json` report for a chosen disk. */
export function successJson(
  choice: InstallDeviceChoice,
  notListed: readonly ExcludedDevice[],
  settings: ReportSettings,
): Record<string, unknown> {
  return {
    chosen: serializeBlockDevice(choice.device),
    method: choice.method,
    source: choice.source,
    hints: choice.hints,
    normalized_hints: choice.normalizedHints,
    reason: choice.reason,
    strict: settings.strict,
    allowlist: settings.allowlist,
    candidates: choice.candidates.map((c) => candidateJson(c, choice.method === 'guess' ? null : c.mismatch === null)),
    skipped: choice.skipped.map((s) => ({ name: s.device.name, entry: s.entry.hints })),
    excluded: excludedJson(choice.excluded, notListed),
    error: null,
  };
}

/** The `--json` report when no disk would be chosen. */
export function failureJson(
  error: DeviceNotFound,
  report: NoChoiceReport,
  notListed: readonly ExcludedDevice[],
  settings: ReportSettings,
): Record<string, unknown> {
  const { given } = report;
  return {
    chosen: null,
    method: given === null ? 'guess' : 'hints',
    source: given?.source ?? null,
    hints: given?.value ?? null,
    strict: settings.strict,
    allowlist: settings.allowlist,
    candidates: report.candidates.map((c) => candidateJson(c, report.compared ? c.mismatch === null : null)),
    excluded: excludedJson(report.excluded, notListed),
    error: error.toJSON(),
  };
}

function notConsidered(excluded: readonly ExcludedReport[], notListed: readonly ExcludedDevice[]): string[] {
  const lines = [
    ...excluded.map(
      (e) =>
        `    ${e.device.name}: ${e.reason}${e.matchesHints === true ? ' — matches the hints, but is never chosen' : ''}`,
    ),
    ...notListed.map((e) => `    ${e.name}: ${e.reason}`),
  ];
  return lines.length === 0 ? [] : ['Not considered:', ...lines];
}

/** Excluded disks (`rule`, `matches_hints`) first, then what the lister left out (`name`, `reason` only). */
function excludedJson(
  excluded: readonly ExcludedReport[],
  notListed: readonly ExcludedDevice[],
): Array<Record<string, unknown>> {
  return [
    ...excluded.map((e) => ({ name: e.device.name, reason: e.reason, rule: e.rule, matches_hints: e.matchesHints })),
    ...notListed.map((e) => ({ name: e.name, reason: e.reason })),
  ];
}

function ironicNote(normalized: Readonly<Record<string, unknown>> | null): string[] {
  const names = IRONIC_REJECTED_HINTS.filter((h) => normalized !== null && h in normalized);
  return names.map(
    (h) =>
      `Note: Ironic's own validation rejects the hint "${h}" (the agent accepts it, as IPA does); Ironic may refuse to deploy a node that sets it.`,
  );
}

function candidateJson(c: CandidateReport, matches: boolean | null): Record<string, unknown> {
  return {
    device: serializeBlockDevice(c.device),
    matches,
    failed_hint: c.mismatch?.hint ?? null,
    reason: c.mismatch?.reason ?? null,
  };
}
