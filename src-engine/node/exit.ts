/**
 * Ending a process without losing its output. NOTE: process.exit() drops whatever stdout or
 * stderr still holds: a pipe takes 64 KB at a time and a slow reader leaves the rest queued in
 * memory, so a process that writes and then exits must wait for its streams to flush first.
 */

/** Exit status when the reader closed the pipe (`| head -1`): 128 + SIGPIPE, as coreutils report. */
export const CLOSED_PIPE_STATUS = 141;

/** Resolves once everything written to `stream` so far has been handed to the OS (or cannot be). */
export function flushed(stream: NodeJS.WritableStream & { writable?: boolean; destroyed?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writable === false) return resolve();
    // A reader that has gone away fails the write: nothing more can be delivered, so that is done
    // too (and the error must not surface as an uncaught exception on the way out).
    stream.on('error', () => resolve());
    // NOTE: writes complete in order, so an empty write's callback runs after every earlier one.
    stream.write('', () => resolve());
  });
}

/** Exit with `code` once stdout and stderr have flushed. */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/**
 * A reader that goes away (`| head -1`) ends the process quietly with status 141; any other
 * failure to write the output is one line on stderr and status 1. Never a stack trace.
 */
export function endQuietlyWhenOutputCloses(): void {
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(CLOSED_PIPE_STATUS);
    try {
      process.stderr.write(`error: could not write the output (${e.message})\n`);
    } finally {
      process.exit(1);
    }
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}
