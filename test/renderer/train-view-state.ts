/** The state classes the Train view is given, as App.svelte builds them, over a scripted API. */
import type { ScratchnetApi } from '../../src-main/host/api-contract';
import { DatasetState } from '../../src-renderer/state/dataset.svelte';
import { EngineSettings } from '../../src-renderer/state/engine.svelte';
import { TrainForm } from '../../src-renderer/state/train-form.svelte';
import { TrainingSession } from '../../src-renderer/state/training.svelte';

/** Session, dataset (MNIST read), form and engine settings (loaded), ready for TrainView's props. */
export async function trainViewState(api: ScratchnetApi) {
  const session = new TrainingSession(api, () => 0);
  const dataset = new DatasetState(api);
  await dataset.useMnist();
  const form = new TrainForm(() => dataset.source);
  const engine = new EngineSettings(api, null);
  await engine.load();
  return { session, dataset, form, engine };
}
