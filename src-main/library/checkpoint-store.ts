/**
 * The model library on disk: one `<name>.safetensors` file per model in the models folder
 * (Electron's userData/models; browser mode prints it at start). Lists models (each file checked
 * as opening it would check it, model-header.ts), saves atomically, opens, renames, duplicates, deletes and imports (model-api.ts writes exports).
 * Every name is checked (model-names.ts) and every path resolved and confirmed to be a file
 * directly inside the folder before it is touched; nothing the renderer sends is a path.
 */
import { lstat, mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type Checkpoint, decodeCheckpoint } from '../../src-engine/checkpoint/codec';
import { atomicWrite } from '../../src-engine/node/atomic-write';
import { historyCsv } from './history-csv';
import { checkModelFile } from './model-header';
import { checkModelName, MODEL_EXTENSION, modelNameProblem, nameOfModelFile, toModelName, uniqueModelName } from './model-names';
import type { ModelList, ModelProblem, ModelSummary } from './models-contract';
import { processAlive } from '../host/process-alive';

/** The largest model file the library opens or imports (bytes). */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024;

/** Leftovers of an interrupted save: ".<file>.<pid>.<ms>.tmp" (see atomicWrite). */
const TEMP_FILE = /^\..+\.(\d+)\.(\d+)\.tmp$/;
/** A temporary file of a live process older than this is abandoned too. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** What the platform changes about the store. */
export interface StoreOptions {
  /** How a deleted model goes away (the desktop app moves it to the system trash); default: unlink. */
  remove?: (file: string) => Promise<void>;
  /** Whether a process id is running (tests stub it); default: signal 0. */
  isAlive?: (pid: number) => boolean;
}

/** The error for a model file that is not in the folder ("net.safetensors: there is no such model ..."). */
export function noSuchModel(name: string): Error {
  return new Error(`${name}${MODEL_EXTENSION}: there is no such model in the models folder (was it renamed or deleted?)`);
}

/** "<file>: is 1100 MB, larger than any model Scratchnet can open", or null when the size is fine. */
function sizeProblem(fileName: string, bytes: number): string | null {
  return bytes > MAX_MODEL_BYTES ? `${fileName}: is ${Math.round(bytes / 2 ** 20)} MB, larger than any model Scratchnet can open` : null;
}

/** The last path segment of a name a page or dialog gave, for messages only ("C:\\a\\b.st" -> "b.st"). */
export function displayFileName(given: string): string {
  return given.split(/[/\\]/).pop() || 'the file';
}

/** The models folder and every operation on the files in it. */
export class CheckpointStore {
  /** The folder, resolved. */
  readonly dir: string;
  private readonly remove: (file: string) => Promise<void>;
  private readonly isAlive: (pid: number) => boolean;
  /** The last check of each file, by file name. */
  private readonly checked = new Map<string, { key: string } & ({ header: Awaited<ReturnType<typeof checkModelFile>> } | { error: string })>();

  constructor(dir: string, options: StoreOptions = {}) {
    this.dir = path.resolve(dir);
    this.remove = options.remove ?? unlink;
    this.isAlive = options.isAlive ?? processAlive;
  }

  /**
   * Create the folder and delete the temporary files of saves that were interrupted (a crash or a
   * kill mid-save); returns their names.
   * NOTE: a temporary file of a process still running may be a save in progress by another
   * Scratchnet (browser mode and the desktop app share the folder): it is left unless abandoned.
   */
  async init(now = Date.now()): Promise<string[]> {
    await mkdir(this.dir, { recursive: true });
    const removed: string[] = [];
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      const m = TEMP_FILE.exec(entry.name);
      if (!m || !entry.isFile()) continue;
      const pid = Number(m[1]);
      const file = path.join(this.dir, entry.name);
      const info = await lstat(file).catch(() => null);
      if (!info) continue;
      const abandoned = pid !== process.pid && !this.isAlive(pid);
      if (abandoned || now - info.mtimeMs > STALE_TEMP_MS) {
        await unlink(file).catch(() => undefined);
        removed.push(entry.name);
      }
    }
    return removed;
  }

  /** The file of a model name; throws when the name is unusable (`../../x`, `/etc/passwd`, ...). */
  pathOf(name: unknown): string {
    const checked = checkModelName(name);
    const file = path.resolve(this.dir, checked + MODEL_EXTENSION);
    // NOTE: belt and braces: the name check already excludes separators and "..".
    if (path.dirname(file) !== this.dir) throw new Error(`"${checked}" cannot be a model name: it leads outside the models folder.`);
    return file;
  }

  /** Every model, newest first, and the files that cannot be read (never fails because of one file). */
  async list(training: ReadonlySet<string> = new Set()): Promise<ModelList> {
    await mkdir(this.dir, { recursive: true });
    const files = (await readdir(this.dir, { withFileTypes: true })).filter((e) => e.isFile() && nameOfModelFile(e.name) !== null);
    const models: ModelSummary[] = [];
    const problems: ModelProblem[] = [];
    // NOTE: a few files at a time, so a large library does not run out of file descriptors.
    for (let i = 0; i < files.length; i += 16) {
      await Promise.all(
        files.slice(i, i + 16).map(async ({ name: fileName }) => {
          const file = path.join(this.dir, fileName);
          const info = await lstat(file).catch(() => null);
          if (!info) return; // deleted while listing
          const modified = info.mtime.toISOString();
          const name = nameOfModelFile(fileName)!;
          const problem = modelNameProblem(name);
          if (problem) {
            problems.push({ fileName, error: `${fileName}: the file name cannot be a model name (${problem}) Rename the file in the models folder.`, modified, bytes: info.size });
            return;
          }
          const tooLarge = sizeProblem(fileName, info.size);
          if (tooLarge) {
            problems.push({ fileName, error: tooLarge, modified, bytes: info.size });
            return;
          }
          // NOTE: the whole file is checked (as Open checks it), so a file unchanged since the last
          // list is not read again: same size, time and inode (a save renames a new file in).
          const key = `${info.size}:${info.mtimeMs}:${info.ino}`;
          let checked = this.checked.get(fileName);
          if (checked?.key !== key) {
            checked = await checkModelFile(file, fileName).then(
              (header) => ({ key, header }),
              (e: unknown) => {
                const message = e instanceof Error ? e.message : String(e);
                return { key, error: message.startsWith(`${fileName}: `) ? message : `${fileName}: could not be checked (${message})` };
              },
            );
            this.checked.set(fileName, checked);
          }
          if ('header' in checked) models.push({ name, modified, bytes: info.size, training: training.has(name), ...checked.header });
          else problems.push({ fileName, error: checked.error, modified, bytes: info.size });
        }),
      );
    }
    models.sort((a, b) => b.modified.localeCompare(a.modified) || a.name.localeCompare(b.name));
    problems.sort((a, b) => a.fileName.localeCompare(b.fileName));
    return { dir: this.dir, models, problems };
  }

  /** Whether a model of that name exists (the name must be valid). */
  async has(name: string): Promise<boolean> {
    return (await lstat(this.pathOf(name)).catch(() => null)) !== null;
  }

  /** The raw bytes of a model file; throws "<name>.safetensors: ..." when it is missing or unreadable. */
  async read(name: string): Promise<Uint8Array> {
    const file = this.pathOf(name);
    const fileName = path.basename(file);
    const info = await lstat(file).catch(() => null);
    if (!info) throw noSuchModel(name);
    if (!info.isFile()) throw new Error(`${fileName}: is not a regular file`);
    const tooLarge = sizeProblem(fileName, info.size);
    if (tooLarge) throw new Error(tooLarge);
    return new Uint8Array(await readFile(file));
  }

  /** The bytes and the decoded, validated checkpoint; throws "<name>.safetensors: <problem>". */
  async load(name: string): Promise<{ bytes: Uint8Array; checkpoint: Checkpoint }> {
    const bytes = await this.read(name);
    return { bytes, checkpoint: decodeCheckpoint(bytes, name + MODEL_EXTENSION) };
  }

  /** Write a model atomically (a crash mid-save leaves the previous file intact). */
  save(name: string, bytes: Uint8Array): void {
    atomicWrite(this.pathOf(name), bytes);
  }

  /** Rename a model; refuses a name another model has (in any case). Returns the new name. */
  async rename(name: string, to: string): Promise<string> {
    const from = this.pathOf(name);
    const target = this.pathOf(to);
    if (!(await lstat(from).catch(() => null))) throw noSuchModel(name);
    if (from === target) return to;
    // NOTE: names differing only in case count as taken, so the folder still works on macOS and
    // Windows; "a" -> "A" itself is allowed.
    const taken = (await this.names()).some((n) => n !== name && n.toLowerCase() === to.toLowerCase());
    if (taken) throw new Error(`A model named "${to}" already exists; choose another name.`);
    await rename(from, target);
    return to;
  }

  /** Copy a model under a free name ("name copy", "name copy 2", ...); returns that name. Refuses a broken file. */
  async duplicate(name: string): Promise<string> {
    const { bytes } = await this.load(name);
    const copy = uniqueModelName(toModelName(name), await this.names(), 'copy');
    this.save(copy, bytes);
    return copy;
  }

  /** Delete a model (to the trash where the platform has one). */
  async delete(name: string): Promise<void> {
    const file = this.pathOf(name);
    if (!(await lstat(file).catch(() => null))) throw noSuchModel(name);
    await this.remove(file);
  }

  /**
   * Add a model from bytes (an upload, or a file picked in a dialog). The bytes are decoded first:
   * a malformed or foreign file is refused with "<file>: <problem>" and nothing is written.
   * @param givenName the file's own name; it only suggests the model name
   * @returns the model name it was saved under (never replacing another model)
   */
  async importBytes(givenName: string, bytes: Uint8Array): Promise<string> {
    const shown = displayFileName(givenName);
    const tooLarge = sizeProblem(shown, bytes.length);
    if (tooLarge) throw new Error(tooLarge);
    decodeCheckpoint(bytes, shown);
    const name = uniqueModelName(toModelName(shown, 'imported model'), await this.names());
    this.save(name, bytes);
    return name;
  }

  /** Add a model from a path chosen in the native Open dialog (never a path from the page). */
  async importFile(file: string): Promise<string> {
    const shown = path.basename(file);
    const info = await lstat(file).catch(() => null);
    if (!info?.isFile()) throw new Error(`${shown}: is not a file that can be read`);
    const tooLarge = sizeProblem(shown, info.size);
    if (tooLarge) throw new Error(tooLarge);
    return this.importBytes(shown, new Uint8Array(await readFile(file)));
  }

  /** The model's per-epoch metrics as CSV text. */
  async historyCsv(name: string): Promise<string> {
    return historyCsv((await this.load(name)).checkpoint.history);
  }

  /** The names of every model file in the folder. */
  async names(): Promise<string[]> {
    await mkdir(this.dir, { recursive: true });
    return (await readdir(this.dir)).map(nameOfModelFile).filter((n): n is string => n !== null);
  }
}
