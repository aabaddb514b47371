// What `skiffctl config ...` needs: list and change clusters, users, contexts and the current context across the
// kubeconfig files in use, writing each change where kubectl would (clientcmd.ModifyConfig): into the file that
// defines the entry, else into the default file.
import fs from 'node:fs';
import {
  emptyKubeconfig, kubeconfigPrecedence, mergeKubeconfigs, readKubeconfigFile, writeKubeconfig,
  type Kubeconfig, type KubeconfigCluster, type KubeconfigContext, type KubeconfigLocation, type KubeconfigUser,
  type MergedKubeconfig, type NamedCluster, type NamedContext, type NamedUser,
} from './kubeconfig.ts';

type Section = 'clusters' | 'users' | 'contexts';

/** Fields given as undefined are removed; setting one of an inline/file pair removes the other. */
export type FieldChanges<T> = { [K in keyof T]?: T[K] | undefined };

const exclusivePairs: Record<Section, [string, string][]> = {
  clusters: [['certificate-authority', 'certificate-authority-data']],
  users: [['client-certificate', 'client-certificate-data'], ['client-key', 'client-key-data']],
  contexts: [],
};

export class KubeconfigEditor {
  private readonly loc: KubeconfigLocation;

  constructor(loc: KubeconfigLocation = {}) {
    this.loc = loc;
  }

  /** The merged configuration as it is on disk now (paths inside are as written, not resolved). */
  view(): MergedKubeconfig {
    return mergeKubeconfigs(this.loc);
  }

  /**
   * The file new entries go to: the explicit file; else with $KUBECONFIG the only file, or the first that exists,
   * or the last listed; else ~/.kube/config.
   */
  defaultFile(): string {
    const { files, explicit } = kubeconfigPrecedence(this.loc);
    if (explicit || files.length === 1) return files[0];
    return files.find((f) => fs.existsSync(f)) ?? files[files.length - 1];
  }

  currentContext(): string | undefined {
    return this.view().config['current-context'];
  }

  contexts(): NamedContext[] { return this.view().config.contexts; }
  clusters(): NamedCluster[] { return this.view().config.clusters; }
  users(): NamedUser[] { return this.view().config.users; }

  /** `config use-context`: the context must exist. */
  useContext(name: string): void {
    if (!this.view().config.contexts.some((c) => c.name === name)) {
      throw new Error(`no context exists with the name: "${name}"`);
    }
    this.writeCurrentContext(name);
  }

  /** `config unset current-context`: clears it in the first file that sets it. */
  unsetCurrentContext(): void {
    this.writeCurrentContext('');
  }

  setCluster(name: string, changes: FieldChanges<KubeconfigCluster>): void {
    this.setEntry('clusters', name, changes);
  }

  setUser(name: string, changes: FieldChanges<KubeconfigUser>): void {
    this.setEntry('users', name, changes);
  }

  setContext(name: string, changes: FieldChanges<KubeconfigContext>): void {
    this.setEntry('contexts', name, changes);
  }

  deleteCluster(name: string): void { this.deleteEntry('clusters', name); }
  deleteUser(name: string): void { this.deleteEntry('users', name); }

  /** Deleting the current context leaves current-context pointing nowhere, as kubectl does (it warns). */
  deleteContext(name: string): void { this.deleteEntry('contexts', name); }

  renameContext(from: string, to: string): void {
    const merged = this.view();
    if (merged.config.contexts.some((c) => c.name === to)) throw new Error(`cannot rename the context "${from}", the context "${to}" already exists`);
    const file = this.originOrThrow(merged, 'contexts', from);
    const doc = this.read(file);
    const entry = doc.contexts.find((c) => c.name === from);
    if (entry) entry.name = to;
    if (doc['current-context'] === from) doc['current-context'] = to;
    writeKubeconfig(file, doc);
    if (merged.config['current-context'] === from && doc['current-context'] !== to) this.writeCurrentContext(to);
  }

  private writeCurrentContext(name: string): void {
    const { files, explicit } = kubeconfigPrecedence(this.loc);
    if (explicit || name) {
      const file = explicit ? files[0] : this.defaultFile();
      const doc = this.read(file);
      doc['current-context'] = name || undefined;
      writeKubeconfig(file, doc);
      return;
    }
    for (const file of files) {
      const doc = readKubeconfigFile(file);
      if (doc?.['current-context']) {
        doc['current-context'] = undefined;
        writeKubeconfig(file, doc);
        return;
      }
    }
  }

  private setEntry(section: Section, name: string, changes: Record<string, unknown>): void {
    if (!name) throw new Error('a name is required');
    const merged = this.view();
    const file = merged.origins[section].get(name) ?? this.defaultFile();
    const doc = this.read(file);
    const fields = findOrAdd(doc, section, name);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) {
        delete fields[key];
        continue;
      }
      fields[key] = value;
      for (const [a, b] of exclusivePairs[section]) {
        if (key === a) delete fields[b];
        if (key === b) delete fields[a];
      }
    }
    writeKubeconfig(file, doc);
  }

  private deleteEntry(section: Section, name: string): void {
    const file = this.originOrThrow(this.view(), section, name);
    const doc = this.read(file);
    if (section === 'clusters') doc.clusters = doc.clusters.filter((e) => e.name !== name);
    if (section === 'users') doc.users = doc.users.filter((e) => e.name !== name);
    if (section === 'contexts') doc.contexts = doc.contexts.filter((e) => e.name !== name);
    writeKubeconfig(file, doc);
  }

  private originOrThrow(merged: MergedKubeconfig, section: Section, name: string): string {
    const file = merged.origins[section].get(name);
    const singular = section.slice(0, -1);
    if (!file) throw new Error(`${singular} "${name}" does not exist in ${merged.files.join(', ')}`);
    return file;
  }

  private read(file: string): Kubeconfig {
    return readKubeconfigFile(file) ?? emptyKubeconfig();
  }
}

function findOrAdd(doc: Kubeconfig, section: Section, name: string): Record<string, unknown> {
  if (section === 'clusters') {
    const found = doc.clusters.find((e) => e.name === name);
    if (found) return found.cluster;
    const cluster: KubeconfigCluster = {};
    doc.clusters.push({ name, cluster });
    return cluster;
  }
  if (section === 'users') {
    const found = doc.users.find((e) => e.name === name);
    if (found) return found.user;
    const user: KubeconfigUser = {};
    doc.users.push({ name, user });
    return user;
  }
  const found = doc.contexts.find((e) => e.name === name);
  if (found) return found.context;
  const context: KubeconfigContext = {};
  doc.contexts.push({ name, context });
  return context;
}
