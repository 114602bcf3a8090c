/**
 * Model names: what the renderer may call a model. A name becomes a file name in the models
 * folder (`<name>.safetensors`), so it is checked here before it comes anywhere near a path,
 * with one plain sentence when refused. Pure: no file system.
 */

/** The extension every model file has. */
export const MODEL_EXTENSION = '.safetensors';

/** Longest name, in characters (leaves room for the extension and a " copy 99" suffix). */
export const MAX_MODEL_NAME = 120;

// NOTE: refused everywhere, not only on Windows, so a models folder moves between systems intact.
const FORBIDDEN_CHARS = /[/\\:*?"<>|]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Why a name cannot be used, or null when it can. */
export function modelNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'A model name must be text.';
  if (name.trim().length === 0) return 'A model name cannot be empty.';
  if (name.length > MAX_MODEL_NAME) return `A model name can have at most ${MAX_MODEL_NAME} characters (this one has ${name.length}).`;
  if (CONTROL_CHARS.test(name)) return 'A model name cannot contain control characters (such as a line break or a tab).';
  if (FORBIDDEN_CHARS.test(name)) return `"${name}" cannot be a model name: it contains one of / \\ : * ? " < > | (names are not paths).`;
  if (name.includes('..')) return `"${name}" cannot be a model name: it contains "..".`;
  if (name.startsWith('.')) return `"${name}" cannot be a model name: it starts with a dot (hidden files are not models).`;
  if (name !== name.trim()) return `"${name}" cannot be a model name: it starts or ends with a space.`;
  if (name.endsWith('.')) return `"${name}" cannot be a model name: it ends with a dot.`;
  if (RESERVED.test(name)) return `"${name}" cannot be a model name: Windows reserves it for a device.`;
  return null;
}

/** The name itself when it can be used; throws the reason otherwise. */
export function checkModelName(name: unknown): string {
  const problem = modelNameProblem(name);
  if (problem) throw new Error(problem);
  return name as string;
}

/** The model name of a file name in the models folder ("a.safetensors" -> "a"), or null for other files. */
export function nameOfModelFile(fileName: string): string | null {
  if (!fileName.toLowerCase().endsWith(MODEL_EXTENSION) || fileName.startsWith('.')) return null;
  return fileName.slice(0, -MODEL_EXTENSION.length);
}

/**
 * A usable model name made from anything (an imported file's name, a run description):
 * forbidden characters become "-", the extension and leading dots go, the length is capped.
 * @param fallback used when nothing usable is left
 */
export function toModelName(raw: string, fallback = 'model'): string {
  let name = raw.replace(/\.safetensors$/i, '');
  name = name.replace(/[/\\:*?"<>|]|[\u0000-\u001f\u007f-\u009f]/g, '-');
  name = name.replace(/\.{2,}/g, '').replace(/-{2,}/g, '-').replace(/^[-.\s]+|[-.\s]+$/g, '');
  name = name.slice(0, MAX_MODEL_NAME - 12).replace(/[.\s]+$/, '');
  if (RESERVED.test(name)) name = `${name}-model`;
  return modelNameProblem(name) === null ? name : fallback;
}

/**
 * A name not in `taken` (compared case-insensitively, as macOS and Windows do): the base itself,
 * else "base 2", "base 3", ... (or "base copy", "base copy 2", ... for duplicates).
 */
export function uniqueModelName(base: string, taken: Iterable<string>, style: 'number' | 'copy' = 'number'): string {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  const candidates = function* () {
    if (style === 'copy') {
      yield `${base} copy`;
      for (let i = 2; ; i++) yield `${base} copy ${i}`;
    } else {
      yield base;
      for (let i = 2; ; i++) yield `${base}-${i}`;
    }
  };
  for (const name of candidates()) if (!used.has(name.toLowerCase())) return name;
  throw new Error('unreachable');
}

/** A run's model name: dataset, layer sizes and start time, e.g. "mnist-784-128-10-2026-11-22-1405". */
export function runModelName(datasetName: string, sizes: number[], started: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${started.getFullYear()}-${pad(started.getMonth() + 1)}-${pad(started.getDate())}-${pad(started.getHours())}${pad(started.getMinutes())}`;
  const dataset = datasetName.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'model';
  return toModelName(`${dataset}-${sizes.join('-')}-${stamp}`);
}
