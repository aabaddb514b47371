// The in-tree network and cloud volume sources (NFS, iSCSI, Ceph, the cloud disks, CSI, ...), checked as
// Kubernetes' validateVolumeSource checks them: required fields and the few formats it knows. Skiff's kubelet
// mounts none of these itself; accepting only well-formed ones keeps stored pods valid for clusters that can.
import { fieldError, type FieldError } from '../errors.ts';
import type { Volume } from '../types.ts';
import { child, invalidEach, key } from './common.ts';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';
import { validateLocalDescendingPath } from './pod-paths.ts';

type LegacySource = Exclude<keyof Volume, 'name' | 'emptyDir' | 'hostPath' | 'secret' | 'configMap' | 'downwardAPI'
  | 'projected' | 'persistentVolumeClaim' | 'ephemeral'> | 'image';

/** Sources whose checks are "these fields are required", with the path segment Kubernetes reports them under. */
const requiredFields: Partial<Record<LegacySource, { segment: string; fields: string[] }>> = {
  glusterfs: { segment: 'glusterfs', fields: ['endpoints', 'path'] },
  rbd: { segment: 'rbd', fields: ['monitors', 'image'] },
  cephfs: { segment: 'cephfs', fields: ['monitors'] },
  azureFile: { segment: 'azureFile', fields: ['secretName', 'shareName'] },
  vsphereVolume: { segment: 'vsphereVolume', fields: ['volumePath'] },
  photonPersistentDisk: { segment: 'photonPersistentDisk', fields: ['pdID'] },
  portworxVolume: { segment: 'portworxVolume', fields: ['volumeID'] },
  scaleIO: { segment: 'scaleIO', fields: ['gateway', 'system', 'volumeName'] },
};

const partitionMessage = 'must be between 1 and 255, inclusive';
const lunMessage = 'must be between 0 and 255, inclusive';
const iqnPattern = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const euiPattern = /^eui.[A-Za-z0-9]{16}$/;
const naaPattern = /^naa.[A-Za-z0-9]{32}$/;

/** `lengthOnly`: only the iSCSI name-length rule, which Kubernetes applies even to a second source. */
export function validateLegacyVolumeSource(volume: Volume, source: LegacySource, path: string, opts: { lengthOnly: boolean }): FieldError[] {
  const record = volume as unknown as Record<string, Record<string, unknown>>;
  const src = record[source] ?? {};
  const table = requiredFields[source];
  if (table) return requireFields(src, child(path, table.segment), table.fields);
  switch (source) {
    case 'gitRepo': {
      const p = child(path, 'gitRepo');
      return [...requireFields(src, p, ['repository']), ...validateLocalDescendingPath(str(src.directory), child(p, 'directory'))];
    }
    // Kubernetes names the GCE disk's path `persistentDisk`.
    case 'gcePersistentDisk':
      return [...requireFields(src, child(path, 'persistentDisk'), ['pdName']), ...partition(src, child(path, 'persistentDisk'))];
    case 'awsElasticBlockStore':
      return [...requireFields(src, child(path, 'awsElasticBlockStore'), ['volumeID']), ...partition(src, child(path, 'awsElasticBlockStore'))];
    case 'nfs': {
      const p = child(path, 'nfs');
      const errs = requireFields(src, p, ['server', 'path']);
      if (!str(src.path).startsWith('/')) errs.push(fieldError.invalid(child(p, 'path'), str(src.path), 'must be an absolute path'));
      return errs;
    }
    case 'iscsi':
      return validateISCSI(src, volume.name, path, opts.lengthOnly);
    case 'flocker':
      return validateFlocker(src, child(path, 'flocker'));
    case 'cinder': {
      const p = child(path, 'cinder');
      return [...requireFields(src, p, ['volumeID']), ...secretRefName(src, child(p, 'secretRef.name'))];
    }
    case 'quobyte':
      return validateQuobyte(src, child(path, 'quobyte'));
    case 'fc':
      return validateFC(src, child(path, 'fc'));
    case 'flexVolume':
      return validateFlexVolume(src, child(path, 'flexVolume'));
    case 'azureDisk':
      return validateAzureDisk(src, child(path, 'azureDisk'));
    case 'storageos': {
      const p = child(path, 'storageos');
      const errs: FieldError[] = [];
      const name = str(src.volumeName);
      if (!name) errs.push(fieldError.required(child(p, 'volumeName')));
      else errs.push(...invalidEach(child(p, 'volumeName'), name, isDNS1123Label(name)));
      const ns = str(src.volumeNamespace);
      if (ns) errs.push(...invalidEach(child(p, 'volumeNamespace'), ns, isDNS1123Label(ns)));
      return [...errs, ...secretRefName(src, child(p, 'secretRef.name'))];
    }
    case 'csi':
      return validateCSI(src, child(path, 'csi'));
    default:
      return [];
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function requireFields(src: Record<string, unknown>, path: string, fields: string[]): FieldError[] {
  return fields.filter((f) => isEmpty(src[f])).map((f) => fieldError.required(child(path, f)));
}

function partition(src: Record<string, unknown>, path: string): FieldError[] {
  const p = typeof src.partition === 'number' ? src.partition : 0;
  return p < 0 || p > 255 ? [fieldError.invalid(child(path, 'partition'), p, partitionMessage)] : [];
}

function secretRefName(src: Record<string, unknown>, path: string): FieldError[] {
  const ref = src.secretRef as { name?: string } | undefined;
  return ref && !ref.name ? [fieldError.required(path)] : [];
}

function iqnFormatErrors(value: string, path: string, startMessage: string): FieldError[] {
  if (!value.startsWith('iqn') && !value.startsWith('eui') && !value.startsWith('naa')) {
    return [fieldError.invalid(path, value, startMessage)];
  }
  const ok = (value.startsWith('iqn') && iqnPattern.test(value)) || (value.startsWith('eui') && euiPattern.test(value))
    || (value.startsWith('naa') && naaPattern.test(value));
  return ok ? [] : [fieldError.invalid(path, value, 'must be valid format')];
}

function validateISCSI(src: Record<string, unknown>, volumeName: string, volumePath: string, lengthOnly: boolean): FieldError[] {
  const p = child(volumePath, 'iscsi');
  const portal = str(src.targetPortal);
  const initiator = typeof src.initiatorName === 'string' ? src.initiatorName : undefined;
  const errs: FieldError[] = [];
  // The initiator name is built from these two and must stay under 64 characters.
  if (initiator !== undefined && `${volumeName}:${portal}`.length > 64) {
    errs.push(fieldError.invalid(child(volumePath, 'name'), volumeName,
      'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.'));
  }
  if (lengthOnly) return errs;
  if (!portal) errs.push(fieldError.required(child(p, 'targetPortal')));
  const iqn = str(src.iqn);
  if (!iqn) errs.push(fieldError.required(child(p, 'iqn')));
  else errs.push(...iqnFormatErrors(iqn, child(p, 'iqn'), 'must be valid format starting with iqn, eui, or naa'));
  const lun = typeof src.lun === 'number' ? src.lun : 0;
  if (lun < 0 || lun > 255) errs.push(fieldError.invalid(child(p, 'lun'), lun, lunMessage));
  if ((src.chapAuthDiscovery === true || src.chapAuthSession === true) && !src.secretRef) {
    errs.push(fieldError.required(child(p, 'secretRef')));
  }
  if (initiator !== undefined) {
    errs.push(...iqnFormatErrors(initiator, child(p, 'initiatorname'), 'must be valid format starting with iqn, eui, or naa'));
  }
  return errs;
}

function validateFlocker(src: Record<string, unknown>, path: string): FieldError[] {
  const name = str(src.datasetName);
  const uuid = str(src.datasetUUID);
  const errs: FieldError[] = [];
  if (!name && !uuid) errs.push(fieldError.required(path, 'one of datasetName and datasetUUID is required'));
  if (name && uuid) errs.push(fieldError.invalid(path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
  if (name.includes('/')) errs.push(fieldError.invalid(child(path, 'datasetName'), name, "must not contain '/'"));
  return errs;
}

function validateQuobyte(src: Record<string, unknown>, path: string): FieldError[] {
  const registry = str(src.registry);
  const pairs = 'must be a host:port pair or multiple pairs separated by commas';
  const errs: FieldError[] = [];
  if (!registry) errs.push(fieldError.required(child(path, 'registry'), pairs));
  else if (str(src.tenant).length >= 65) {
    errs.push(fieldError.required(child(path, 'tenant'), 'must be a UUID and may not exceed a length of 64 characters'));
  } else {
    for (const pair of registry.split(',')) {
      if (!/^(\[[^\]]*\]|[^:]*):[^:]*$/.test(pair)) errs.push(fieldError.invalid(child(path, 'registry'), registry, pairs));
    }
  }
  if (!str(src.volume)) errs.push(fieldError.required(child(path, 'volume')));
  return errs;
}

function validateFC(src: Record<string, unknown>, path: string): FieldError[] {
  const wwns = Array.isArray(src.targetWWNs) ? src.targetWWNs : [];
  const wwids = Array.isArray(src.wwids) ? src.wwids : [];
  const errs: FieldError[] = [];
  if (wwns.length === 0 && wwids.length === 0) {
    errs.push(fieldError.required(child(path, 'targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
  }
  if (wwns.length > 0 && wwids.length > 0) {
    errs.push(fieldError.invalid(child(path, 'targetWWNs'), wwns, 'targetWWNs and wwids can not be specified simultaneously'));
  }
  if (wwns.length > 0) {
    if (typeof src.lun !== 'number') errs.push(fieldError.required(child(path, 'lun'), 'lun is required if targetWWNs is specified'));
    else if (src.lun < 0 || src.lun > 255) errs.push(fieldError.invalid(child(path, 'lun'), src.lun, lunMessage));
  }
  return errs;
}

function validateFlexVolume(src: Record<string, unknown>, path: string): FieldError[] {
  const errs = requireFields(src, path, ['driver']);
  const options = (src.options ?? {}) as Record<string, string>;
  for (const k of Object.keys(options)) {
    // Option keys in Kubernetes' own domains are reserved for the system.
    const domain = `.${(k.includes('/') ? k.split('/', 1)[0] : k).toLowerCase()}`;
    if (domain.endsWith('.kubernetes.io') || domain.endsWith('.k8s.io')) {
      errs.push(fieldError.invalid(key(child(path, 'options'), k), k, 'kubernetes.io and k8s.io namespaces are reserved'));
    }
  }
  return errs;
}

function validateAzureDisk(src: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(src.diskName)) errs.push(fieldError.required(child(path, 'diskName')));
  const uri = str(src.diskURI);
  if (!uri) errs.push(fieldError.required(child(path, 'diskURI')));
  const cachingModes = ['None', 'ReadOnly', 'ReadWrite'];
  if (typeof src.cachingMode === 'string' && !cachingModes.includes(src.cachingMode)) {
    errs.push(fieldError.notSupported(child(path, 'cachingMode'), src.cachingMode, cachingModes));
  }
  const kinds = ['Dedicated', 'Managed', 'Shared'];
  if (typeof src.kind === 'string') {
    if (!kinds.includes(src.kind)) errs.push(fieldError.notSupported(child(path, 'kind'), src.kind, kinds));
    if (src.kind === 'Managed' && !uri.startsWith('/subscriptions/')) {
      errs.push(fieldError.notSupported(child(path, 'diskURI'), uri,
        ['/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}']));
    }
    if (src.kind !== 'Managed' && !uri.startsWith('https://')) {
      errs.push(fieldError.notSupported(child(path, 'diskURI'), uri,
        ['https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd']));
    }
  }
  return errs;
}

function validateCSI(src: Record<string, unknown>, path: string): FieldError[] {
  const driver = str(src.driver);
  const errs: FieldError[] = [];
  if (!driver) errs.push(fieldError.required(child(path, 'driver')));
  if (driver.length > 63) errs.push(fieldError.tooLong(child(path, 'driver'), '', 63));
  errs.push(...invalidEach(child(path, 'driver'), driver, isDNS1123Subdomain(driver.toLowerCase())));
  const ref = src.nodePublishSecretRef as { name?: string } | undefined;
  if (ref) {
    if (!ref.name) errs.push(fieldError.required(child(path, 'nodePublishSecretRef.name')));
    // Kubernetes reports a bad secret name at `csi.name`.
    else errs.push(...invalidEach(child(path, 'name'), ref.name, nameIsDNSSubdomain(ref.name, false)));
  }
  return errs;
}
