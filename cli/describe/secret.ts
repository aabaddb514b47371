// describe secret: kubectl's SecretDescriber: the type and each key's size, never its value (except a service
// account token's `token`, which kubectl shows). Secrets have no Events section. (kubectl walks the keys in Go's
// random map order; they are sorted here.)
import type { Secret } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { DescribeContext } from './context.ts';
import { printAnnotationsMultiline, printLabelsMultiline } from './format.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

export async function describeSecret(_ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  return renderSecret(obj as Secret);
}

export function renderSecret(secret: Secret): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${secret.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${secret.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', secret.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', secret.metadata?.annotations);
  w.write(LEVEL_0, `\nType:\t${secret.type ?? ''}\n`);
  w.write(LEVEL_0, '\nData\n====\n');
  const data = secret.data ?? {};
  for (const key of Object.keys(data).sort()) {
    const bytes = Buffer.from(data[key] ?? '', 'base64');
    if (key === 'token' && secret.type === 'kubernetes.io/service-account-token') w.write(LEVEL_0, `${key}:\t${bytes.toString('utf8')}\n`);
    else w.write(LEVEL_0, `${key}:\t${bytes.length} bytes\n`);
  }
  return w.toString();
}
