/**
 * The engine's own version of each exercise, cut from the real source files (bundled as text),
 * so what the Build it view reveals is exactly the code that runs.
 */
import type { ReferenceSource } from '../../src-engine/exercises/exercise';
import { ENGINE_SOURCES } from './engine-sources';

/**
 * The definition that starts at the line holding `start`, with the doc comment above it, up to
 * the closing brace at its own indentation. @returns null when the file no longer has it
 */
export function cutDefinition(source: string, start: string): string | null {
  const lines = source.split('\n');
  const first = lines.findIndex((l) => l.startsWith(start));
  if (first < 0) return null;
  const indent = /^\s*/.exec(lines[first])![0];
  let last = first;
  while (last < lines.length && !(lines[last].startsWith(`${indent}}`) && last > first)) last++;
  let top = first;
  while (top > 0 && /^\s*(\/\*\*|\*|\/\/)/.test(lines[top - 1])) top--;
  return lines.slice(top, last + 1).join('\n');
}

/** The engine's code for these references, each headed by its file. */
export function engineVersion(references: ReferenceSource[]): string {
  return references
    .map((r) => `// src-engine/${r.file}\n${cutDefinition(ENGINE_SOURCES[r.file] ?? '', r.start) ?? `(not found: ${r.start})`}`)
    .join('\n\n');
}
