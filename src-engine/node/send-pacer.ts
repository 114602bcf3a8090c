/**
 * Keeps a forked engine child's training from outrunning its pipe. A child process writes to the
 * pipe between turns of its event loop, and training takes a 30 ms slice between every turn: a
 * 10 MB checkpoint (784-800-10) then trickled out for most of a second while the next epoch's
 * batch events queued behind it, and the dashboard froze at the epoch's end (a Stop pressed then
 * landed far from where the learner saw the run). So the next slice waits until what was sent is
 * written.
 */
export interface SendPacer {
  /** Send a message; `send` calls back once it is written. */
  post(message: unknown): void;
  /** Run `fn` on a later turn, once every message posted so far is written. */
  defer(fn: () => void): void;
}

export function sendPacer(send: (message: unknown, written: () => void) => void, later: (fn: () => void) => void = setImmediate): SendPacer {
  let unwritten = 0;
  let waiting: (() => void)[] = [];
  return {
    post(message) {
      unwritten++;
      send(message, () => {
        if (--unwritten > 0) return;
        const ready = waiting;
        waiting = [];
        for (const fn of ready) later(fn);
      });
    },
    defer(fn) {
      if (unwritten === 0) later(fn);
      else waiting.push(fn);
    },
  };
}
