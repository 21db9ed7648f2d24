/**
 * Which interrupted commands a restarted agent runs again: those whose
 * command says `resumable` (see CommandSpec.resumable in commands/types.ts).
 */
import type { Extension } from '../commands/types.js';

/** The full names (`<extension>.<command>`) of the resumable commands. */
export function resumableCommands(extensions: readonly Extension[]): ReadonlySet<string> {
  const names = new Set<string>();
  for (const ext of extensions) {
    for (const [name, command] of Object.entries(ext.commands)) if (command.resumable) names.add(`${ext.name}.${name}`);
  }
  return names;
}

/** A predicate over full command names for CommandJournal.load. */
export function isResumableIn(extensions: readonly Extension[]): (name: string) => boolean {
  const names = resumableCommands(extensions);
  return (name) => names.has(name);
}
