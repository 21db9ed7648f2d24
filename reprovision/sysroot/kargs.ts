/**
 * Kernel arguments of a BLS entry's `options` line, as pure functions.
 *
 * Fedora CoreOS entries carry the literal `$ignition_firstboot`, which the
 * GRUB config sets to `ignition.firstboot` only while `/boot/ignition.firstboot`
 * exists (coreos/coreos-assembler src/grub.cfg). A new deployment must
 * therefore take its arguments from the entry, never from /proc/cmdline, where
 * the placeholder is already expanded or gone.
 */

/**
 * Split an options line into arguments the way the kernel does: on spaces,
 * except inside double quotes (`foo="a b"` is one argument).
 */
export function splitKargs(options: string): string[] {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of options) {
    if (char === '"') quoted = !quoted;
    if (!quoted && /\s/.test(char)) {
      if (current !== '') args.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (current !== '') args.push(current);
  return args;
}

/** The name of an argument: what precedes the first `=`. */
export function kargName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq < 0 ? arg : arg.slice(0, eq);
}

/**
 * The arguments a new deployment inherits from an entry: all of them, in
 * order, but `ostree=`, which ostree writes itself for each deployment.
 */
export function carriedKargs(options: string): string[] {
  return splitKargs(options).filter((arg) => kargName(arg) !== 'ostree');
}

/** The value of the first `name=value` argument, or undefined. */
export function kargValue(args: readonly string[], name: string): string | undefined {
  const arg = args.find((a) => kargName(a) === name && a.includes('='));
  return arg === undefined ? undefined : arg.slice(name.length + 1);
}

/**
 * The Ignition platform of a node: its last `ignition.platform.id=` argument
 * (the last one wins, as in Ignition's dracut generator, coreos/ignition
 * dracut/30ignition/ignition-generator `cmdline_arg`), else `metal`.
 */
export function ignitionPlatform(args: readonly string[]): string {
  return (
    args
      .filter((a) => kargName(a) === 'ignition.platform.id' && a.includes('='))
      .pop()
      ?.slice('ignition.platform.id='.length) ?? 'metal'
  );
}
