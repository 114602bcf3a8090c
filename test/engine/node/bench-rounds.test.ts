import { describe, expect, it } from 'vitest';
import { type Contender, pairedRatio, roundOrder, runRounds } from '../../../src-engine/node/bench-rounds';

interface Fake {
  seconds: number;
  round: number;
}

/**
 * A fake machine: its speed changes from round to round (as the shared VM's does over minutes);
 * each row takes its own work times the round's slowness. `log` records what ran, in order.
 */
function fakeMachine(slowness: number[], work: Record<string, number>, log: string[], fails: Record<string, string> = {}): Contender<Fake>[] {
  let round = -1;
  const first = Object.keys(work)[0]!;
  return Object.keys(work).map((key) => ({
    key,
    measure: () => {
      if (key === first) round++;
      log.push(`${round}:${key}`);
      if (fails[key]) return fails[key]!;
      return { seconds: work[key]! * slowness[round]!, round };
    },
  }));
}

describe('the bench measured in rounds', () => {
  it('orders a round: the paired rows first, then references and our other rows alternating', () => {
    expect(roundOrder(['numpy', 'ours 2t', 'cli', 'app'], ['ours 1t'], ['torch f64 1t', 'torch f64 2t', 'torch f32 1t'])).toEqual([
      'numpy', 'ours 2t', 'cli', 'app', 'torch f64 1t', 'ours 1t', 'torch f64 2t', 'torch f32 1t',
    ]);
    expect(roundOrder(['numpy'], ['a', 'b', 'c'], ['t'])).toEqual(['numpy', 't', 'a', 'b', 'c']);
    expect(roundOrder([], [], [])).toEqual([]);
  });

  it('measures every row once a round in the same order, and each row keeps its fastest round', async () => {
    const log: string[] = [];
    const rows = fakeMachine([1.0, 1.7, 1.2], { numpy: 0.5, ours: 0.4, cli: 0.6, app: 0.62 }, log);
    const r = await runRounds(rows, 3);
    expect(log).toEqual(['0:numpy', '0:ours', '0:cli', '0:app', '1:numpy', '1:ours', '1:cli', '1:app', '2:numpy', '2:ours', '2:cli', '2:app']);
    // the fastest round (round 0, the machine's fast moment) for every row
    expect(r.best.get('numpy')).toEqual({ seconds: 0.5, round: 0 });
    expect(r.best.get('app')).toEqual({ seconds: 0.62, round: 0 });
    expect(r.rounds.get('ours')!.map((x) => x!.seconds)).toEqual([0.4, 0.4 * 1.7, 0.4 * 1.2]);
    expect(r.notes).toEqual([]);
  });

  it('pairs rows by round, so a change of machine speed between rounds cancels from their ratio', async () => {
    const rows = fakeMachine([1.0, 1.7, 1.2, 1.5], { numpy: 0.5, ours: 0.4, cli: 0.6, app: 0.63 }, []);
    const r = await runRounds(rows, 4);
    const p = pairedRatio(r.rounds.get('app'), r.rounds.get('cli'))!;
    expect(p.rounds).toHaveLength(4);
    for (const x of p.rounds) expect(x).toBeCloseTo(1.05, 12);
    expect(p.median).toBeCloseTo(1.05, 12);
    expect(pairedRatio(r.rounds.get('ours'), r.rounds.get('numpy'))!.median).toBeCloseTo(0.8, 12);
  });

  it('takes the median of the ratios: the middle one, or the mean of the middle two', () => {
    const s = (...xs: number[]) => xs.map((seconds) => ({ seconds }));
    expect(pairedRatio(s(2, 3, 9), s(1, 1, 1))).toEqual({ median: 3, rounds: [2, 3, 9] });
    expect(pairedRatio(s(2, 3, 9, 4), s(1, 1, 1, 1))).toEqual({ median: 3.5, rounds: [2, 3, 9, 4] });
  });

  it('pairs only the rounds that measured both rows, and gives nothing when none did', () => {
    const a = [{ seconds: 2 }, null, { seconds: 3 }];
    const b = [{ seconds: 1 }, { seconds: 1 }, null];
    expect(pairedRatio(a, b)).toEqual({ median: 2, rounds: [2] });
    expect(pairedRatio([null, { seconds: 1 }], [{ seconds: 1 }, null])).toBeNull();
    expect(pairedRatio(undefined, b)).toBeNull();
  });

  it('drops a row whose measurement fails after its first try, noting why once, and keeps measuring the others', async () => {
    const log: string[] = [];
    const why = 'PyTorch reference skipped: No module named torch';
    const rows = fakeMachine([1, 1, 1], { numpy: 0.5, 'torch 1t': 0.3, 'torch 2t': 0.2 }, log, { 'torch 1t': why, 'torch 2t': why });
    const r = await runRounds(rows, 3);
    expect(log).toEqual(['0:numpy', '0:torch 1t', '0:torch 2t', '1:numpy', '2:numpy']);
    expect(r.notes).toEqual([why]);
    expect(r.best.has('torch 1t')).toBe(false);
    expect(r.rounds.get('torch 2t')).toEqual([null, null, null]);
    expect(r.rounds.get('numpy')!.every((x) => x !== null)).toBe(true);
    expect(pairedRatio(r.rounds.get('torch 1t'), r.rounds.get('numpy'))).toBeNull();
  });

  it('awaits a measurement that is asynchronous (the app row) before the next row starts', async () => {
    const log: string[] = [];
    const rows: Contender<{ seconds: number }>[] = [
      { key: 'app', measure: async () => { await new Promise((r) => setTimeout(r, 5)); log.push('app done'); return { seconds: 1 }; } },
      { key: 'numpy', measure: () => { log.push('numpy'); return { seconds: 2 }; } },
    ];
    await runRounds(rows, 2);
    expect(log).toEqual(['app done', 'numpy', 'app done', 'numpy']);
  });
});
