// The CONTAINERS and IMAGES wide columns shared by every kind that carries a pod template.
import type { Container } from '../../api/types.ts';
import { column } from './printer.ts';

export const containersColumn = column('Containers', 'string', 'Names of each container in the template.', { priority: 1 });
export const imagesColumn = column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 });

/** The two cells, each a comma-separated list in container order. */
export function containerCells(containers: readonly Container[] | undefined): [names: string, images: string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}
