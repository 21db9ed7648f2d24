/**
 * The one `--help` layout of the CLI, generated from option tables: a usage
 * line, a description, option sections in two columns (`-o, --output <path>`
 * then the text, as coreos-installer's clap help shows them) and the exit
 * status; a group lists its commands.
 */
import { NO_OPERANDS, type OptionDef, type OptionTable, type Operands } from './options.js';

/** The longest option column before the description moves to its own line. */
const MAX_OPTION_COLUMN = 30;

/** What the help of a command that runs shows. */
export interface CommandHelp {
  /** The command words, e.g. `ironic-coreos-agent iso ignition embed`. */
  readonly path: string;
  /** The paragraph(s) after the usage line. */
  readonly description: string;
  readonly options: OptionTable;
  readonly operands?: Operands | undefined;
  /** What exit codes 0 and 1 mean for this command (defaults `success` and `runtime error`). */
  readonly exitStatus?: { readonly ok?: string; readonly failure?: string } | undefined;
}

/** The help text of a command that runs (ends with a newline). */
export function commandHelp(help: CommandHelp): string {
  const operands = help.operands ?? NO_OPERANDS;
  const rows = Object.entries(help.options).map(([name, def]) => ({
    section: def.section ?? 'Options',
    ...row(name, def),
  }));
  const sections = [...new Set(rows.map((r) => r.section))];
  if (sections.length === 0) sections.push('Options');
  rows.push({ section: sections.at(-1) ?? 'Options', left: '-h, --help', text: 'Show this help' });
  const column = Math.min(MAX_OPTION_COLUMN, Math.max(...rows.map((r) => r.left.length))) + 4;
  const usage = `Usage: ${help.path}${Object.keys(help.options).length > 0 ? ' [options]' : ''}${operandText(operands)}`;
  const out = [usage, '', help.description];
  for (const section of sections) {
    out.push('', `${section}:`);
    for (const r of rows.filter((x) => x.section === section)) out.push(...twoColumns(`  ${r.left}`, r.text, column));
  }
  const ok = help.exitStatus?.ok ?? 'success';
  const failure = help.exitStatus?.failure ?? 'runtime error';
  out.push('', `Exit status: 0 ${ok}, 1 ${failure}, 2 usage error or invalid option value.`, '');
  return out.join('\n');
}

/** The help text of a group: its commands and how to get their help (ends with a newline). */
export function groupHelp(
  path: string,
  description: string,
  commands: readonly { name: string; summary: string }[],
): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: ${path} <command> [options]`,
    '',
    description,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run "${path} <command> --help" for the options of a command.`,
    '',
  ].join('\n');
}

/** `<ISO>`, `[initrd]` or nothing, after the usage line's `[options]`. */
function operandText(operands: Operands): string {
  if (operands.max === 0) return '';
  const name = operands.max > 1 ? `${operands.name}...` : operands.name;
  return operands.min > 0 ? ` <${name}>` : ` [${name}]`;
}

/** The left column of one option and its text. */
function row(name: string, def: OptionDef): { left: string; text: string } {
  const short = def.short === undefined ? '' : `-${def.short}, `;
  const value = def.type === 'string' ? ` <${def.value ?? 'value'}>` : '';
  return { left: `${short}--${name}${value}`, text: def.help };
}

/** `left` padded to `column`, then `text`; further lines of `text` aligned under it. */
function twoColumns(left: string, text: string, column: number): string[] {
  const lines = text.split('\n');
  const indent = ' '.repeat(column);
  if (left.length + 2 > column) return [left, ...lines.map((l) => `${indent}${l}`)];
  return [`${left.padEnd(column)}${lines[0] ?? ''}`, ...lines.slice(1).map((l) => `${indent}${l}`)];
}
