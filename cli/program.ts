// The skiffctl command tree: kubectl's global flags on the root, then one file per command under commands/.
// To add a verb, write commands/<verb>.ts exporting `register(parent, run)` and list it in `commandModules`.
import { Command, Option } from 'commander';
import { makeRunner, type Runner } from './command.ts';
import * as apiResources from './commands/api-resources.ts';
import * as annotate from './commands/annotate.ts';
import * as apiVersions from './commands/api-versions.ts';
import * as attach from './commands/attach.ts';
import * as autoscale from './commands/autoscale.ts';
import * as apply from './commands/apply.ts';
import * as clusterInfo from './commands/cluster-info.ts';
import * as completion from './commands/completion.ts';
import * as config from './commands/config.ts';
import * as create from './commands/create.ts';
import * as del from './commands/delete.ts';
import * as describe from './commands/describe.ts';
import * as diff from './commands/diff.ts';
import * as drain from './commands/drain.ts';
import * as edit from './commands/edit.ts';
import * as exec from './commands/exec.ts';
import * as explain from './commands/explain.ts';
import * as expose from './commands/expose.ts';
import * as get from './commands/get.ts';
import * as label from './commands/label.ts';
import * as logs from './commands/logs.ts';
import * as patch from './commands/patch.ts';
import * as portForward from './commands/port-forward.ts';
import * as replace from './commands/replace.ts';
import * as rollout from './commands/rollout.ts';
import * as runCmd from './commands/run.ts';
import * as scale from './commands/scale.ts';
import * as set from './commands/set.ts';
import * as taint from './commands/taint.ts';
import * as top from './commands/top.ts';
import * as version from './commands/version.ts';
import type { Io, Session } from './session.ts';

export interface CommandModule {
  register(parent: Command, run: Runner): void;
}

/** In the order `skiffctl --help` lists them. */
export const commandModules: CommandModule[] = [
  create, get, describe, apply, diff, replace, del, edit, patch, label, annotate, scale, autoscale, rollout, set, expose, runCmd, logs, exec, attach, portForward, drain, taint, top, explain, apiResources, apiVersions, clusterInfo, version, config, completion,
];

/** kubectl's global flags: accepted before the verb and after it, as kubectl's persistent flags are. */
const globalFlags: [flags: string, description: string, defaultValue?: string][] = [
  ['--kubeconfig <file>', 'path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)'],
  ['--context <name>', 'the kubeconfig context to use'],
  ['--cluster <name>', 'the kubeconfig cluster to use'],
  ['--user <name>', 'the kubeconfig user to use'],
  ['-n, --namespace <namespace>', 'the namespace scope for this request'],
  ['-s, --server <url>', 'the address and port of the API server'],
  ['--token <token>', 'bearer token for authentication to the API server'],
  ['--certificate-authority <file>', 'path to a cert file for the certificate authority'],
  ['--insecure-skip-tls-verify', "don't check the server's certificate (insecure)"],
  ['--request-timeout <duration>', 'how long to wait for one server request (0: no limit; 30s, 1m, or seconds)'],
  ['-v, --v <level>', 'log level: 6 logs each request, 7 its headers'],
];

export function buildProgram(io: Io, sessions: Session[]): Command {
  const program = new Command('skiffctl')
    .description('skiffctl controls a Skiff (Kubernetes) cluster, the way kubectl does.')
    .usage('[global flags] <command> [args] [flags]')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const [flags, description, def] of globalFlags) program.addOption(new Option(flags, description).default(def));
  const run = makeRunner(io, sessions);
  for (const mod of commandModules) mod.register(program, run);
  for (const cmd of program.commands) addGlobalFlags(cmd);
  return program;
}

/**
 * Gives every command below the root hidden copies of the global flags, so `get pods -n x` works as well as
 * `-n x get pods`. A command that defines a flag of the same name itself (set-context --namespace, set-cluster
 * --server) keeps its own, as kubectl's local flags shadow its persistent ones.
 */
function addGlobalFlags(cmd: Command): void {
  cmd.exitOverride();
  for (const [flags, description] of globalFlags) {
    const option = new Option(flags, description).hideHelp();
    const taken = cmd.options.some((o) => o.long === option.long || (option.short && o.short === option.short));
    if (!taken) cmd.addOption(option);
  }
  for (const sub of cmd.commands) addGlobalFlags(sub);
}

/** Every boolean flag in the tree (`--show-labels`, `-A`), for normalizeArgv. */
export function booleanFlags(program: Command): Set<string> {
  const flags = new Set<string>();
  const visit = (cmd: Command): void => {
    for (const o of cmd.options) {
      if (o.required || o.optional) continue;
      if (o.long) flags.add(o.long);
      if (o.short) flags.add(o.short);
    }
    cmd.commands.forEach(visit);
  };
  visit(program);
  return flags;
}

/**
 * pflag (kubectl's flag parser) accepts `-n=default`, `-v=6` and `--all-namespaces=true`; commander reads
 * `-n=default` as the value "=default" and has no `=true` for boolean flags. Rewrite those forms first:
 * `-x=value` becomes `-x value`, `--flag=true` becomes `--flag` and `--flag=false` is dropped (or becomes
 * `--no-flag` where the flag defaults to true).
 */
export function normalizeArgv(argv: readonly string[], booleans: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const flag = /^(--?[\w-]+)=(true|false)$/.exec(arg);
    if (flag && booleans.has(flag[1])) {
      if (flag[2] === 'true') out.push(flag[1]);
      // A flag that defaults to true (delete --wait) is turned off through its --no- twin.
      else if (booleans.has(flag[1].replace(/^--/, '--no-'))) out.push(flag[1].replace(/^--/, '--no-'));
      continue;
    }
    const m = /^-([a-zA-Z])=(.*)$/s.exec(arg);
    if (m) out.push(`-${m[1]}`, m[2]);
    else out.push(arg);
  }
  return out;
}
