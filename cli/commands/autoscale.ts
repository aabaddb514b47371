// skiffctl autoscale TYPE NAME --max=N [--min=N] [--cpu-percent=P]: a HorizontalPodAutoscaler for a deployment,
// replica set, stateful set or replication controller (anything with a scale subresource), as kubectl autoscale
// makes it: named after the target (or --name), scaleTargetRef from the object, `horizontalpodautoscaler.autoscaling/web
// autoscaled`. kubectl 1.32 sends autoscaling/v1 (targetCPUUtilizationPercentage), as skiffctl does where the server
// serves it (Skiff does, converting to the autoscaling/v2 it stores); a server serving autoscaling/v2 only gets the
// same HPA in v2 (a cpu Utilization metric).
import type { Command } from 'commander';
import { goMarshal } from '../../apiserver/api/conversion/go-json.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { apiVersionOf, type DiscoveredResource, type Discovery } from '../discovery.ts';
import { CliError, noResourcesError, throwCollected, usageError } from '../errors.ts';
import { commandPath, generated } from '../generator.ts';
import { collectInfos, resourceForKind, type Info } from '../infos.ts';
import { lastAppliedAnnotation } from '../last-applied.ts';
import { addDryRunFlag, addFieldManagerFlag, parseDryRun, parseResultFormat, ResultPrinter, writeOptions } from '../mutation.ts';
import type { Session } from '../session.ts';

interface AutoscaleOptions {
  min: string;
  max?: string;
  cpuPercent: string;
  name?: string;
  filename?: string[];
  recursive?: boolean;
  output?: string;
  dryRun?: string | boolean;
  saveConfig?: boolean;
  fieldManager?: string;
}

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('autoscale')
    .summary('Auto-scale a deployment, replica set, stateful set, or replication controller')
    .description('Creates an autoscaler that automatically chooses and sets the number of pods that run in a Kubernetes cluster.\n\n'
      + 'Looks up a deployment, replica set, stateful set, or replication controller by name and creates an autoscaler that uses the given resource as a reference.\n'
      + 'An autoscaler can automatically increase or decrease number of pods deployed within the system as needed.')
    .argument('[resources...]', 'TYPE NAME | TYPE/NAME (deployment, replicaset, statefulset, replicationcontroller)')
    .option('--min <pods>', "the lower limit for the number of pods the autoscaler sets (unset or negative: the server's default)", '-1')
    .option('--max <pods>', 'the upper limit for the number of pods the autoscaler sets (required)')
    .option('--cpu-percent <percent>', 'the target average CPU utilization, as a percent of requested CPU, over all the pods (unset or negative: the default policy)', '-1')
    .option('--name <name>', 'the name for the autoscaler (default: the name of the resource)')
    .option('-f, --filename <file>', 'file, directory or - naming the resource to autoscale', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('--save-config', 'record the configuration in the last-applied annotation, for a later apply');
  completes(cmd, 'resources');
  addFieldManagerFlag(addDryRunFlag(cmd), 'kubectl-autoscale');
  cmd.action(run<AutoscaleOptions>(autoscale));
}

/** pflag's Int32 flag: a whole number in range, or kubectl's parse error. */
function int32Flag(cmd: Command, flag: string, value: string): number {
  if (!/^[+-]?\d+$/.test(value) || Math.abs(Number(value)) > 2 ** 31) {
    const why = /^[+-]?\d+$/.test(value) ? 'value out of range' : 'invalid syntax';
    throw new CliError(`error: invalid argument "${value}" for "--${flag}" flag: strconv.ParseInt: parsing "${value}": ${why}\nSee '${commandPath(cmd)} --help' for usage.`);
  }
  return Number(value);
}

export interface AutoscaleSpec {
  name: string;
  target: { apiVersion: string; kind: string; name: string };
  min: number;
  max: number;
  cpuPercent: number;
}

/** The autoscaling/v1 object kubectl 1.32 builds (`--dry-run=client -o yaml` prints exactly this). */
export function autoscalerV1(s: AutoscaleSpec): ApiObject {
  return generated({
    kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v1',
    metadata: { name: s.name, creationTimestamp: null },
    spec: {
      scaleTargetRef: { kind: s.target.kind, name: s.target.name, apiVersion: s.target.apiVersion },
      ...(s.min > 0 ? { minReplicas: s.min } : {}),
      maxReplicas: s.max,
      ...(s.cpuPercent >= 0 ? { targetCPUUtilizationPercentage: s.cpuPercent } : {}),
    },
    status: { currentReplicas: 0, desiredReplicas: 0 },
  });
}

/** The same autoscaler in autoscaling/v2, as the apiserver converts the v1 object. */
export function autoscalerV2(s: AutoscaleSpec): ApiObject {
  return generated({
    kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2',
    metadata: { name: s.name, creationTimestamp: null },
    spec: {
      scaleTargetRef: { kind: s.target.kind, name: s.target.name, apiVersion: s.target.apiVersion },
      ...(s.min > 0 ? { minReplicas: s.min } : {}),
      maxReplicas: s.max,
      ...(s.cpuPercent >= 0
        ? { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.cpuPercent } } }] }
        : {}),
    },
    status: { desiredReplicas: 0 },
  });
}

/**
 * The last-applied configuration kubectl autoscale records: its typed object as the JSON encoder writes it, fields
 * in the struct's order and no annotations (an empty map is omitted), unlike the sorted unstructured form `create
 * --save-config` records.
 */
function typedConfiguration(hpa: ApiObject): string {
  return `${goMarshal(hpa)}\n`;
}

/** kube's discovery scale-kind resolver: does the resource have a `scale` subresource? kubectl's error if not. */
function checkScalable(discovery: Discovery, resource: DiscoveredResource): void {
  if (!discovery.hasSubresource(resource, 'scale')) {
    throw usageError(`cannot autoscale a ${resource.kind}: could not find scale subresource for ${resource.group}/${resource.version}, Resource=${resource.plural} in discovery information`);
  }
}

async function autoscale(session: Session, opts: AutoscaleOptions, args: string[], cmd: Command): Promise<void> {
  if (opts.max === undefined) throw usageError('required flag(s) "max" not set');
  const max = int32Flag(cmd, 'max', opts.max);
  const min = int32Flag(cmd, 'min', opts.min);
  const cpuPercent = int32Flag(cmd, 'cpu-percent', opts.cpuPercent);
  const dryRun = parseDryRun(session, opts.dryRun);
  if (max < 1) throw usageError(`--max=MAXPODS is required and must be at least 1, max: ${max}`);
  if (max < min) throw usageError(`--max=MAXPODS must be larger or equal to --min=MINPODS, max: ${max}, min: ${min}`);
  if (args.length === 0 && !opts.filename?.length) {
    throw noResourcesError();
  }
  const entries = await collectInfos(session, args, { filenames: opts.filename, recursive: opts.recursive, fetchNamed: true });
  const discovery = await session.discovery();
  // Where the server serves autoscaling/v1, send what kubectl sends; else the same autoscaler in autoscaling/v2.
  const hpaResource = resourceForKind(discovery, 'autoscaling/v1', 'HorizontalPodAutoscaler')
    ?? resourceForKind(discovery, 'autoscaling/v2', 'HorizontalPodAutoscaler');
  if (!hpaResource) throw usageError('the server doesn\'t have a resource type "horizontalpodautoscalers"');
  const build = hpaResource.version === 'v1' ? autoscalerV1 : autoscalerV2;
  // The -o format is checked when the first result prints, as kubectl's printer is made then.
  let printer: ResultPrinter | undefined;
  const print = (obj: ApiObject, operation: string): void => {
    printer ??= new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
    printer.print(obj, operation, hpaResource);
  };
  const errors: unknown[] = [];
  let count = 0;
  for (const entry of entries) {
    try {
      if (!entry.info) throw entry.error;
      const info: Info = entry.info;
      checkScalable(discovery, info.resource);
      let hpa = build({
        name: opts.name || info.name, min, max, cpuPercent,
        target: { apiVersion: apiVersionOf(info.resource), kind: info.resource.kind, name: info.name },
      });
      count++;
      if (dryRun === 'client') {
        print(hpa, 'created');
        continue;
      }
      if (opts.saveConfig) hpa = { ...hpa, metadata: { ...hpa.metadata, annotations: { [lastAppliedAnnotation]: typedConfiguration(hpa) } } };
      const created = await session.client().create(hpaResource, session.namespace(), hpa, writeOptions(dryRun, opts.fieldManager));
      print(created, 'autoscaled');
    } catch (e) {
      errors.push(e);
    }
  }
  throwCollected(errors);
  if (count === 0) throw usageError('no objects passed to autoscale');
}
