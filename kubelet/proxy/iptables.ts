// The proxy's only contact with the host's packet filter: iptables-save, iptables-restore --noflush, and the few
// single-rule commands for the jumps from the built-in chains. Behind an interface so the proxier can be tested
// without touching the host.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { chainNames, chainsInSave, hookRules, isPerServiceChain } from './iptables-rules.ts';

const run = promisify(execFile);

export interface Iptables {
  save(table: string): Promise<string>;
  restore(input: string): Promise<void>;
  /** Adds the rule at the top of `chain` unless it is there. */
  ensureRule(table: string, chain: string, spec: string[]): Promise<void>;
  deleteRule(table: string, chain: string, spec: string[]): Promise<void>;
}

export class HostIptables implements Iptables {
  async save(table: string): Promise<string> {
    return (await run('iptables-save', ['-t', table], { maxBuffer: 256 * 1024 * 1024 })).stdout;
  }

  restore(input: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('iptables-restore', ['--noflush', '-w', '5'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`iptables-restore failed (${code}): ${stderr.trim()}`))));
      child.stdin.end(input);
    });
  }

  async ensureRule(table: string, chain: string, spec: string[]): Promise<void> {
    try {
      await run('iptables', ['-w', '5', '-t', table, '-C', chain, ...spec]);
    } catch {
      await run('iptables', ['-w', '5', '-t', table, '-I', chain, '1', ...spec]);
    }
  }

  async deleteRule(table: string, chain: string, spec: string[]): Promise<void> {
    // A rule may have been inserted twice by an older run: delete until none is left.
    for (;;) {
      try {
        await run('iptables', ['-w', '5', '-t', table, '-D', chain, ...spec]);
      } catch {
        return;
      }
    }
  }
}

/**
 * The jumps into the owned chains, in the order the packets should meet them. `saved` (iptables-save output per
 * table, when the caller has it) spares a check for every jump already there.
 */
export async function ensureHooks(ipt: Iptables, prefix: string, saved: Partial<Record<string, string>> = {}): Promise<void> {
  // Each rule is inserted at the top, so insert in reverse to end up in order.
  for (const [table, chain, spec] of [...hookRules(prefix)].reverse()) {
    if (saved[table] !== undefined && hookPresent(saved[table]!, chain, spec)) continue;
    await ipt.ensureRule(table, chain, spec);
  }
}

/** Whether iptables-save shows the jump: the built-in chain, its comment and its target. */
function hookPresent(save: string, chain: string, spec: string[]): boolean {
  const target = spec[spec.length - 1];
  const comment = spec[spec.indexOf('--comment') + 1];
  return save.split('\n').some((l) => l.startsWith(`-A ${chain} `) && l.endsWith(`-j ${target}`) && l.includes(comment));
}

/** Removes every rule and chain the proxy with this prefix made (`--cleanup`). */
export async function removeProxyRules(ipt: Iptables, prefix: string): Promise<void> {
  for (const [table, chain, spec] of hookRules(prefix)) await ipt.deleteRule(table, chain, spec);
  const c = chainNames(prefix);
  const fixed = new Set(Object.values(c));
  for (const table of ['nat', 'filter']) {
    const owned = chainsInSave(await ipt.save(table), table).filter((ch) => fixed.has(ch) || isPerServiceChain(prefix, ch));
    // Flush all first: a chain is deleted only when nothing jumps to it.
    const flush = [`*${table}`, ...owned.map((ch) => `:${ch} - [0:0]`), ...owned.map((ch) => `-X ${ch}`), 'COMMIT', ''].join('\n');
    if (owned.length > 0) await ipt.restore(flush);
  }
}
