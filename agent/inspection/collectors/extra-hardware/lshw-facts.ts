/**
 * `system`, `firmware`, `memory` and `network` facts from `lshw -json`: pure
 * port of hardware-detect's system.detect (redhat-cip/hardware
 * hardware/system.py), which walks `lshw -xml`; the JSON tree carries the same
 * nodes and settings. Values are strings, as the XML text is.
 */
import { findInLshw, logicalNames, type LshwNode } from '../lshw.js';
import type { Fact } from './facts.js';

const BANK_KEYS = ['size', 'clock', 'description', 'vendor', 'product', 'serial', 'slot'] as const;
const NETWORK_SETTINGS = ['firmware', 'ip', 'link', 'driver', 'duplex', 'speed', 'latency', 'autonegotiation'] as const;

/** A node's text field as the XML would show it (numbers as decimal text); undefined when absent. */
function text(node: LshwNode, key: keyof LshwNode): string | undefined {
  const value = node[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function push(facts: Fact[], category: string, item: string, key: string, value: string | number | undefined): void {
  if (value !== undefined) facts.push([category, item, key, value]);
}

/** `system product` (serial, name, vendor, version) from the root node. */
function productFacts(root: LshwNode): Fact[] {
  const facts: Fact[] = [];
  push(facts, 'system', 'product', 'serial', text(root, 'serial'));
  push(facts, 'system', 'product', 'name', text(root, 'product'));
  push(facts, 'system', 'product', 'vendor', text(root, 'vendor'));
  push(facts, 'system', 'product', 'version', text(root, 'version'));
  return facts;
}

/** `system motherboard` from every `core` node, `firmware bios` from every `firmware` node (with a physid). */
function boardFacts(root: LshwNode): Fact[] {
  const facts: Fact[] = [];
  for (const core of findInLshw(root, { id: 'core', recursive: true }).filter((n) => n.physid !== undefined)) {
    push(facts, 'system', 'motherboard', 'name', text(core, 'product'));
    push(facts, 'system', 'motherboard', 'vendor', text(core, 'vendor'));
    push(facts, 'system', 'motherboard', 'version', text(core, 'version'));
    push(facts, 'system', 'motherboard', 'serial', text(core, 'serial'));
  }
  for (const firmware of findInLshw(root, { id: 'firmware', recursive: true }).filter((n) => n.physid !== undefined)) {
    push(facts, 'firmware', 'bios', 'version', text(firmware, 'version'));
    push(facts, 'firmware', 'bios', 'date', text(firmware, 'date'));
    push(facts, 'firmware', 'bios', 'vendor', text(firmware, 'vendor'));
  }
  return facts;
}

/** `memory total size`, one `memory bank<location>:<n>` item per bank, and `memory banks count`. */
function memoryFacts(root: LshwNode): Fact[] {
  const facts: Fact[] = [];
  let banks = 0;
  const arrays = findInLshw(root, { class: 'memory', recursive: true }).filter(
    (n) => (n.id ?? '').startsWith('memory') && n.physid !== undefined,
  );
  for (const array of arrays) {
    const location = /^memory(:.*)$/.exec(array.id ?? '')?.[1] ?? '';
    push(facts, 'memory', 'total', 'size', text(array, 'size'));
    for (const bank of findInLshw(array, { id: /^bank:/, recursive: true })) {
      banks += 1;
      const item = (bank.id ?? '').replace('bank:', `bank${location}:`);
      for (const key of BANK_KEYS) push(facts, 'memory', item, key, text(bank, key));
    }
  }
  if (banks > 0) facts.push(['memory', 'banks', 'count', String(banks)]);
  return facts;
}

/** Per logical interface name: businfo, vendor, product, size, the ethtool settings lshw shows, serial (lower case). */
function networkFacts(root: LshwNode): Fact[] {
  const facts: Fact[] = [];
  for (const nic of findInLshw(root, { class: 'network', recursive: true })) {
    const [name] = logicalNames(nic);
    if (name === undefined) continue;
    push(facts, 'network', name, 'businfo', text(nic, 'businfo'));
    push(facts, 'network', name, 'vendor', text(nic, 'vendor'));
    push(facts, 'network', name, 'product', text(nic, 'product'));
    push(facts, 'network', name, 'size', text(nic, 'size'));
    for (const setting of NETWORK_SETTINGS) {
      const value = nic.configuration?.[setting];
      push(
        facts,
        'network',
        name,
        setting === 'ip' ? 'ipv4' : setting,
        value === undefined ? undefined : String(value),
      );
    }
    push(facts, 'network', name, 'serial', text(nic, 'serial')?.toLowerCase());
  }
  return facts;
}

/** Every fact hardware-detect takes from lshw. */
export function lshwFacts(root: LshwNode): Fact[] {
  return [...productFacts(root), ...boardFacts(root), ...memoryFacts(root), ...networkFacts(root)];
}
