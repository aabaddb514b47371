// skiffctl set image TYPE NAME CONTAINER=IMAGE ... (or *=IMAGE): change container images in a pod spec or pod
// template, as kubectl set image does, sending the change as a strategic merge patch (`deployment.apps/web image
// updated`). Containers that are not there are reported after the rest.
import type { Command } from 'commander';
import { createTwoWayMergePatch, createJsonMergePatch } from '../../apiserver/api/patch/three-way.ts';
import type { Container } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { goError, noResourcesError, throwCollected, usageError, wrapError } from '../errors.ts';
import { collectInfos } from '../infos.ts';
import { splitResourcesAndPairs } from '../metadata-pairs.ts';
import { addDryRunFlag, addFieldManagerFlag, parseDryRun, parseResultFormat, ResultPrinter } from '../mutation.ts';
import { podSpecOf } from '../pod-spec-path.ts';
import type { Session } from '../session.ts';

interface SetImageOptions {
  all?: boolean;
  selector?: string;
  filename?: string[];
  recursive?: boolean;
  output?: string;
  dryRun?: string | boolean;
  fieldManager?: string;
}

export function register(parent: Command, run: Runner): void {
  const set = parent.command('set').summary('Set specific features on objects (image)');
  const cmd = set.command('image')
    .summary('Update the image of a pod template')
    .argument('[args...]', 'TYPE NAME | TYPE/NAME ..., then CONTAINER=IMAGE ... (or *=IMAGE)')
    .option('--all', 'every object of the types in the namespace')
    .option('-l, --selector <selector>', 'label selector')
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...');
  addFieldManagerFlag(addDryRunFlag(cmd), 'kubectl-set');
  cmd.action(run<SetImageOptions>(setImage));
}

/** Sets `image` on the containers named `name` (all for `*`); answers whether any was found. */
function setContainerImage(containers: Container[] | undefined, name: string, image: string): boolean {
  let found = false;
  for (const c of containers ?? []) {
    if (name === '*' || c.name === name) {
      c.image = image;
      found = true;
    }
  }
  return found;
}

async function setImage(session: Session, opts: SetImageOptions, args: string[]): Promise<void> {
  const { resources, pairs } = splitResourcesAndPairs(args, 'image');
  const images = new Map<string, string>();
  const invalid: string[] = [];
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq > 0) images.set(p.slice(0, eq), p.slice(eq + 1));
    else invalid.push(p);
  }
  if (invalid.length > 0) throw usageError(`invalid image format: ${invalid.join(', ')}`);
  if (resources.length < 1 && !opts.filename?.length) {
    throw noResourcesError();
  }
  const problems: string[] = [];
  if (opts.all && opts.selector) problems.push('cannot set --all and --selector at the same time');
  if (resources.length < 1 && !opts.filename?.length) problems.push('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  if (images.size < 1) problems.push('at least one image update is required');
  else if (images.size > 1 && images.has('*')) problems.push('all containers are already specified by *, but saw more than one container_name=container_image pairs');
  if (problems.length === 1) throw usageError(problems[0]);
  if (problems.length > 1) throw usageError(`[${problems.join(', ')}]`);

  const dryRun = parseDryRun(session, opts.dryRun);
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  const entries = await collectInfos(session, resources, {
    filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, all: opts.all, fetchNamed: true,
  });
  const errors: unknown[] = entries.filter((e) => !e.info).map((e) => e.error);
  for (const entry of entries) {
    const { info } = entry;
    if (!info) continue;
    const before = info.object as ApiObject;
    const after = JSON.parse(JSON.stringify(before)) as ApiObject;
    const spec = podSpecOf(after);
    if (!spec) {
      errors.push(goError(`error: ${info.resource.plural}/${info.name} the object is not a pod or does not have a pod template: *${info.resource.version}.${info.resource.kind}`));
      continue;
    }
    for (const [name, image] of images) {
      const found = setContainerImage(spec.initContainers, name, image) || false;
      const inContainers = setContainerImage(spec.containers, name, image);
      if (!found && !inContainers) errors.push(goError(`error: unable to find container named "${name}"`));
    }
    const kind = await session.openapi().kind(info.resource.group, info.resource.version, info.resource.kind);
    const patch = kind ? createTwoWayMergePatch(before, after, kind.schema, kind.set.resolve) : createJsonMergePatch(before, after);
    if (Object.keys(patch).length === 0) continue;
    if (dryRun === 'client') {
      printer.print(after, 'image updated', info.resource);
      continue;
    }
    try {
      const patched = await session.client().patch<ApiObject>(info.resource, info.namespace, info.name, patch, kind ? 'strategic' : 'merge',
        { dryRun: dryRun === 'server', fieldManager: opts.fieldManager });
      printer.print(patched, 'image updated', info.resource);
    } catch (e) {
      errors.push(wrapError('failed to patch image update to pod template', e));
    }
  }
  throwCollected(errors);
}
