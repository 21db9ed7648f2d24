/**
 * Kernel modules for the VM's initramfs, resolved from the guest kernel's
 * `modules.dep` (the file depmod writes; each line is
 * `kernel/path/mod.ko: kernel/path/dep.ko ...`).
 */

/** Module name as modprobe accepts it: `md_mod` and `md-mod` are the same module. */
function canonical(name: string): string {
  return name.replace(/-/g, '_');
}

/** `kernel/fs/9p/9p.ko` → `9p`; compressed suffixes (.ko.xz, .ko.zst) are stripped too. */
export function moduleName(path: string): string {
  return canonical((path.split('/').pop() ?? '').replace(/\.ko(\.\w+)?$/, ''));
}

/**
 * The module files to load, dependencies before their users, each once.
 * @param dep - the text of modules.dep
 * @param wanted - module names (`virtio_pci`, `md-mod`, `raid1`, ...)
 * @throws Error naming a module the kernel does not ship as a module
 */
export function resolveModules(dep: string, wanted: readonly string[]): string[] {
  const deps = new Map<string, { path: string; needs: string[] }>();
  for (const line of dep.split('\n')) {
    const [path, rest] = line.split(':');
    if (path === undefined || rest === undefined) continue;
    deps.set(moduleName(path), {
      path,
      needs: rest
        .trim()
        .split(/\s+/)
        .filter((p) => p !== ''),
    });
  }
  const order: string[] = [];
  const visit = (name: string, from: string): void => {
    const entry = deps.get(canonical(name));
    if (entry === undefined)
      throw new Error(`Kernel module ${name} (wanted by ${from}) is not in modules.dep; is it built in or missing?`);
    if (order.includes(entry.path)) return;
    for (const need of entry.needs) visit(moduleName(need), name);
    if (!order.includes(entry.path)) order.push(entry.path);
  };
  for (const name of wanted) visit(name, 'the VM');
  return order;
}
