// Tests read the generated definitions as the server does. Generate them first when this checkout has none yet
// (`npm run gen` is part of the build, not of a fresh clone) or when the tables or types changed since.
import { existsSync, readFileSync } from 'node:fs';
import { generateDefinitions, stableJson, writeDefinitions } from '../../../apiserver/api/openapi/generate.ts';
import { definitionsFile, packageRoot } from '../../../apiserver/api/openapi/package-root.ts';

const file = definitionsFile(packageRoot(import.meta.url));
if (!existsSync(file) || readFileSync(file, 'utf8') !== stableJson(generateDefinitions())) writeDefinitions(file);
