/** A scripted ScratchnetApi for renderer tests: records calls, answers from a table, emits events. */
import type { ApiCallName, ApiEvent, ScratchnetApi } from '../../src-main/host/api-contract';

export interface FakeApi extends ScratchnetApi {
  calls: { name: ApiCallName; args: unknown }[];
  emit(event: ApiEvent): void;
}

/** @param answers result (or Error to reject with) per channel */
export function fakeApi(answers: Partial<Record<ApiCallName, unknown>> = {}, mode: ScratchnetApi['mode'] = 'browser'): FakeApi {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: FakeApi['calls'] = [];
  return {
    mode,
    calls,
    async call(name, args) {
      calls.push({ name, args });
      const answer = answers[name];
      if (answer instanceof Error) throw answer;
      if (answer === undefined) throw new Error(`no answer scripted for ${name}`);
      return answer as never;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit: (event) => listeners.forEach((l) => l(event)),
  };
}
