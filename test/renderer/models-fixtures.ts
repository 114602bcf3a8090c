/** A scripted model-library API and sample summaries for the Models view tests. */
import type { ApiEvent } from '../../src-main/host/api-contract';
import type { ModelCallName, ModelCalls, ModelSummary } from '../../src-main/library/models-contract';
import type { LibraryApi } from '../../src-renderer/state/models.svelte';
import { DEFAULT_CONFIG } from '../../src-engine/train/config';

export interface FakeLibraryApi extends LibraryApi {
  calls: { name: ModelCallName; args: unknown }[];
  emit(event: ApiEvent): void;
}

type Answer<K extends ModelCallName> = ModelCalls[K]['result'] | Error | ((args: ModelCalls[K]['args']) => ModelCalls[K]['result']);

/** @param answers result, Error, or function of the arguments, per channel */
export function fakeLibraryApi(answers: { [K in ModelCallName]?: Answer<K> }, mode: LibraryApi['mode'] = 'browser'): FakeLibraryApi {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: FakeLibraryApi['calls'] = [];
  return {
    mode,
    calls,
    async call(name, args) {
      calls.push({ name, args });
      const answer = answers[name] as unknown;
      if (answer instanceof Error) throw answer;
      if (answer === undefined) throw new Error(`no answer scripted for ${name}`);
      return (typeof answer === 'function' ? answer(args) : answer) as never;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit: (event) => listeners.forEach((l) => l(event)),
  };
}

/** A model summary with sensible values. */
export function summary(over: Partial<ModelSummary> = {}): ModelSummary {
  return {
    name: 'mnist-784-128-10-2026-11-22-1405',
    modified: '2026-11-22T14:09:00.000Z',
    created: '2026-11-22T14:09:00.000Z',
    bytes: 1_630_000,
    architecture: '784-128-10 relu',
    sizes: [784, 128, 10],
    parameters: 101_770,
    dataset: 'MNIST',
    epochs: 3,
    intoEpoch: 0,
    bestTestAccuracy: 0.9741,
    accuracy: [0.951, 0.966, 0.9741],
    resumable: true,
    plannedEpochs: 3,
    schedule: 'cosine',
    training: false,
    loss: 'cross_entropy',
    recipe: { ...DEFAULT_CONFIG, epochs: 3 },
    datasetSize: { train: 60000, test: 10000 },
    baselineAccuracy: 0.8203,
    ...over,
  };
}
