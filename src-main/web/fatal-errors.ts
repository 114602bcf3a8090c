/**
 * Browser mode's last line of defence: an error nothing caught must not end the host abruptly
 * (losing the epoch in progress); it ends it the orderly way, which stops and saves the run.
 */

/**
 * On an uncaught exception or unhandled rejection: say what happened, then `shutdown(1)` once.
 * @param shutdown stops and saves a run that is going, closes everything and exits
 */
export function shutDownOnFatalErrors(
  proc: Pick<NodeJS.Process, 'on'>,
  shutdown: (code: number) => Promise<void>,
  log: (line: string) => void = (line) => console.error(line),
): void {
  let fatal = false;
  const onError = (error: unknown) => {
    const what = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`Scratchnet's browser-mode host hit an unexpected error and is stopping (a run that is going is saved first):\n${what}`);
    if (fatal) return;
    fatal = true;
    void shutdown(1);
  };
  proc.on('uncaughtException', onError);
  proc.on('unhandledRejection', onError);
}
