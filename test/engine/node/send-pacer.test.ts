/** The forked engine child's next training slice waits until what it sent is written (node/send-pacer.ts). */
import { describe, expect, it } from 'vitest';
import { sendPacer } from '../../../src-engine/node/send-pacer';

function harness() {
  const unwritten: (() => void)[] = [];
  const ran: string[] = [];
  const turns: (() => void)[] = [];
  const pacer = sendPacer((_, written) => unwritten.push(written), (fn) => turns.push(fn));
  const nextTurn = () => turns.splice(0).forEach((fn) => fn());
  return { pacer, unwritten, ran, nextTurn };
}

describe('sendPacer', () => {
  it('runs the next slice on a later turn when everything sent is written', () => {
    const { pacer, ran, nextTurn } = harness();
    pacer.defer(() => ran.push('slice'));
    expect(ran).toEqual([]);
    nextTurn();
    expect(ran).toEqual(['slice']);
  });

  it('holds the next slice while a big message (a checkpoint) is still being written, then runs it', () => {
    const { pacer, unwritten, ran, nextTurn } = harness();
    pacer.post({ type: 'checkpoint' });
    pacer.post({ type: 'batch' });
    pacer.defer(() => ran.push('slice 1'));
    pacer.defer(() => ran.push('slice 2'));
    nextTurn();
    expect(ran).toEqual([]);
    unwritten.shift()!(); // the checkpoint is written; the batch is not yet
    nextTurn();
    expect(ran).toEqual([]);
    unwritten.shift()!();
    expect(ran).toEqual([]); // never inside the write callback: on a later turn, in order
    nextTurn();
    expect(ran).toEqual(['slice 1', 'slice 2']);
    pacer.defer(() => ran.push('slice 3'));
    nextTurn();
    expect(ran).toEqual(['slice 1', 'slice 2', 'slice 3']);
  });
});
