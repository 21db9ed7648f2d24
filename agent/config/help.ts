/**
 * `ironic-coreos-agent agent --help`, generated from the option table so that
 * every option, its kernel parameter and its default are always listed.
 */
import { OPTION_GROUPS, type OptionGroup, type OptionSpec } from '../../common/agent-config/option-spec.js';
import { OPTIONS, flagName } from '../../common/agent-config/options.js';
import { describeType } from '../../common/agent-config/values.js';

const WIDTH = 100;
const INDENT = '      ';

/** The full help text (ends with a newline). */
export function agentHelp(): string {
  const out = [
    'Usage: ironic-coreos-agent agent [options]',
    '',
    'Run the deploy agent: look the node up in Ironic, heartbeat, serve the IPA REST API and',
    'provide the install_coreos deploy step.',
    '',
    'Every option can be set, from lowest to highest precedence, on the kernel command line (where a',
    'kernel parameter is listed; as in IPA, these are only defaults), in a [DEFAULT] section of the',
    '*.conf files of each --config-dir (by default /etc/ironic-python-agent, then',
    "/etc/ironic-python-agent.d; each directory's files in name order, later ones win), or with a flag.",
    'Booleans take true/false, yes/no, 1/0 or on/off; as flags they are --name, --no-name or',
    '--name=false. Unknown config keys are warned about and',
    'ignored, as IPA does; unknown flags are errors.',
  ];
  for (const group of Object.keys(OPTION_GROUPS) as OptionGroup[]) {
    out.push('', `${OPTION_GROUPS[group]}:`);
    for (const spec of OPTIONS.filter((o) => o.group === group)) out.push(...describeOption(spec));
  }
  out.push('', '  -h, --help', `${INDENT}Show this help.`, '');
  return out.join('\n');
}

/** The help lines of one option. */
function describeOption(spec: OptionSpec): string[] {
  const head =
    spec.type.kind === 'bool'
      ? `  ${flagName(spec)}, --no-${flagName(spec).slice(2)}`
      : `  ${flagName(spec)} <${metavar(spec)}>`;
  const facts = [`Default: ${showDefault(spec)}.`];
  if ((spec.type.kind === 'string' || spec.type.kind === 'list') && spec.type.expected !== undefined) {
    facts.unshift(`Value: ${describeType(spec.type)}.`);
  }
  if (spec.kernel !== undefined) facts.push(`Kernel: ${spec.kernel}.`);
  if (spec.env !== undefined) facts.push(`Env: ${spec.env}.`);
  if (spec.flagOnly === true) facts.push('Flag only.');
  else facts.push(`Config: ${spec.name}.`);
  if (spec.aliases !== undefined) facts.push(`Also accepted: ${spec.aliases.join(', ')}.`);
  return [head, ...wrap(`${spec.help} ${facts.join(' ')}`)];
}

function metavar(spec: OptionSpec): string {
  const type = spec.type;
  switch (type.kind) {
    case 'int':
      return type.min !== undefined && type.max !== undefined ? `${type.min}-${type.max}` : 'int';
    case 'float':
      return 'number';
    case 'enum':
      return type.choices.join('|');
    case 'path':
      return 'path';
    case 'list':
      return 'a,b,...';
    case 'url-list':
      return 'url[,url...]';
    case 'string':
      return 'value';
    case 'bool':
      return 'bool';
  }
}

function showDefault(spec: OptionSpec): string {
  const value: unknown = spec.default;
  if (value === null) return 'unset';
  if (Array.isArray(value)) return value.length === 0 ? 'unset' : value.join(',');
  if (value === '') return 'empty';
  return String(value);
}

/** Word-wrap `text` to {@link WIDTH} columns under {@link INDENT}. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && INDENT.length + line.length + 1 + word.length > WIDTH) {
      lines.push(INDENT + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(INDENT + line);
  return lines;
}
