/**
 * The dataset the Train view uses: which one is chosen and what the engine says about it
 * (sizes, classes, the mean-image baseline), loaded with `dataset:info`.
 */
import type { DatasetInfo, DatasetSource, ModelInfo } from '../../src-engine/protocol';
import type { DatasetChoice, DatasetKind, ScratchnetApi, UploadedFile } from '../../src-main/host/api-contract';
import { byteSize, MAX_UPLOAD_BYTES } from '../../src-main/host/upload-limits';
import type { KnownBaseline } from '../lib/model-format';

/** What each kind is called where the person reads it. */
const KIND_NAMES: Record<DatasetSource['kind'], string> = { mnist: 'MNIST (bundled)', idx: 'IDX folder', csv: 'CSV file' };

export class DatasetState {
  /** The kind picked in the Dataset section; until a dataset of that kind is open, there is none to train on. */
  kind = $state<DatasetSource['kind']>('mnist');
  source = $state.raw<DatasetSource>({ kind: 'mnist' });
  label = $state('MNIST (bundled)');
  /** The uploaded files of the dataset in use (browser mode): see DatasetChoice.uploads. */
  private uploads: { path: string; name: string }[] = [];
  info = $state.raw<DatasetInfo | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private request = 0;

  constructor(private readonly api: ScratchnetApi) {}

  /** The open dataset's mean-image baseline (null while there is none to train on), which runs on all of it are judged by. */
  get baseline(): KnownBaseline | null {
    return this.info && !this.problem ? { source: this.source, accuracy: this.info.baselineAccuracy } : null;
  }

  /** Inputs per image (rows × cols), 784 until the info arrives. */
  get inputSize(): number {
    return this.info ? this.info.rows * this.info.cols : 784;
  }

  /**
   * Why there is no dataset to train on now (Start refuses with it), or null when there is one:
   * the picked kind has none open yet, it is loading, or it could not be read.
   */
  get problem(): string | null {
    const wanted = this.kind === 'mnist' ? 'the bundled MNIST' : `the ${KIND_NAMES[this.kind]}`;
    if (this.error) return `${wanted} could not be used: ${this.error.replace(/\.$/, '')}`;
    if (this.kind !== this.source.kind) return `no ${KIND_NAMES[this.kind]} is open yet: open one, or pick MNIST (bundled)`;
    if (this.loading || !this.info) return `the dataset ${this.label} is still being read`;
    return null;
  }

  /** Pick a kind in the Dataset section (MNIST is ready at once; the others wait for a file or folder). */
  pick(kind: DatasetSource['kind']): void {
    this.kind = kind;
    this.error = null;
    if (kind === 'mnist' && this.source.kind !== 'mnist') void this.useMnist();
  }

  /** Use a dataset and load its info. */
  async use(choice: DatasetChoice): Promise<void> {
    this.kind = choice.source.kind;
    this.source = choice.source;
    this.label = choice.label;
    this.uploads = choice.uploads ?? [];
    const request = ++this.request;
    this.loading = true;
    this.error = null;
    this.info = null;
    try {
      const info = await this.api.call('dataset:info', { source: choice.source });
      if (request === this.request) this.info = info;
    } catch (error) {
      if (request === this.request) this.error = this.named(error instanceof Error ? error.message : String(error));
    } finally {
      if (request === this.request) this.loading = false;
    }
  }

  /** A message with each uploaded file's name where it named the host's temporary copy of it. */
  private named(message: string): string {
    return this.uploads.reduce((m, u) => m.replaceAll(u.path, `"${u.name}"`), message);
  }

  /** Use the dataset a model was trained on (opened or continued in Models), when its file says. */
  async useModelData(info: ModelInfo): Promise<void> {
    const source = info.config?.dataset;
    if (!source || (JSON.stringify(source) === JSON.stringify(this.source) && this.info && !this.error)) return;
    await this.use({ source, label: source.kind === 'mnist' ? KIND_NAMES.mnist : info.datasetName });
  }

  /** The bundled MNIST. */
  useMnist(): Promise<void> {
    return this.use({ source: { kind: 'mnist' }, label: 'MNIST (bundled)' });
  }

  /** Desktop: the native dialog. */
  async choose(kind: DatasetKind): Promise<void> {
    await this.guard(async () => {
      const choice = await this.api.call('dataset:choose', { kind });
      if (choice) await this.use(choice);
    });
  }

  /** Browser mode: a path on the host's machine. */
  async openPath(kind: DatasetKind, path: string, testPath?: string): Promise<void> {
    await this.guard(async () => this.use(await this.api.call('dataset:open-path', { kind, path, testPath: testPath || undefined })));
  }

  /** Browser mode: files picked in the page, streamed to the host one by one after a size check. */
  async upload(kind: DatasetKind, files: File[]): Promise<void> {
    await this.guard(async () => {
      const tooLarge = files.find((f) => f.size > MAX_UPLOAD_BYTES);
      if (tooLarge) {
        throw new Error(`${tooLarge.name} is ${byteSize(tooLarge.size)}; an upload can be at most ${byteSize(MAX_UPLOAD_BYTES)}. Type its path on this machine instead.`);
      }
      const upload = this.api.upload?.bind(this.api);
      if (!upload) throw new Error('Uploading files works in browser mode only.');
      this.loading = true;
      const uploaded: UploadedFile[] = [];
      for (const f of files) uploaded.push({ name: f.name, upload: await upload(f) });
      await this.use(await this.api.call('dataset:upload', { kind, files: uploaded }));
    });
  }

  private async guard(fn: () => Promise<void>): Promise<void> {
    try {
      this.error = null;
      await fn();
    } catch (error) {
      this.loading = false;
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}
