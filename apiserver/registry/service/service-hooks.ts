// The Service kind's write hooks: allocation around the registry's generic create, update and delete.
import type { Service } from '../../api/types.ts';
import type { WriteHooks } from '../write-hooks.ts';
import type { ServiceAllocator } from './service-allocator.ts';

export function serviceWriteHooks(allocator: ServiceAllocator): WriteHooks {
  // The registry hands these only Services, already decoded against the Service schema.
  const asService = (obj: object): Service => obj as Service;
  return {
    beginCreate: (obj, dryRun) => allocator.allocateCreate(asService(obj), dryRun),
    beginUpdate: (obj, old, dryRun) => allocator.allocateUpdate(asService(obj), asService(old), dryRun),
    afterDelete: (obj) => allocator.release(asService(obj)),
  };
}
