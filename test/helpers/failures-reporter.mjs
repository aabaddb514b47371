// A second test reporter beside TAP: at the end of a run it lists each failed test with its file and the first
// lines of its error, so the tail of a long CI log says what failed without scrolling through 3,000 results.
// Plain JavaScript because node loads reporters before the --import hooks that would compile TypeScript.
import { relative } from 'node:path';

/** @param {AsyncIterable<import('node:test/reporters').TestEvent>} source */
export default async function* failuresReporter(source) {
  /** @type {string[]} */
  const failures = [];
  /** @type {string[]} */
  const open = [];
  for await (const event of source) {
    if (event.type === 'test:start') open[event.data.nesting] = event.data.name;
    if (event.type !== 'test:fail') continue;
    const error = event.data.details.error;
    // A suite fails when one of its tests does; the test itself is the line worth reading.
    if (error.failureType === 'subtestsFailed') continue;
    const path = [...open.slice(0, event.data.nesting), event.data.name].join(' › ');
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause ?? error.message);
    const file = relative(process.cwd(), event.data.file ?? '?');
    failures.push(`# ✖ ${file}: ${path}: ${brief(cause)}\n`);
  }
  if (failures.length === 0) return;
  yield `# ${failures.length} failed:\n`;
  yield* failures;
}

/** An error's first few non-empty lines on one line: enough to tell an assertion's two values apart. */
function brief(message) {
  const lines = message.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.slice(0, 6).join(' | ').slice(0, 500);
}
