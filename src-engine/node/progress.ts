/** A progress line on stderr: redrawn in place on a terminal, a line every 10% otherwise. */
export class Progress {
  private lastDecile = -1;
  private lastDraw = 0;
  private readonly tty = process.stderr.isTTY === true;

  /** @param done units done @param total units in all @param text what follows the bar */
  update(done: number, total: number, text: string, etaSeconds: number): void {
    const frac = total > 0 ? Math.min(done / total, 1) : 0;
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && done < total) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = '='.repeat(Math.max(filled - 1, 0)) + (filled ? '>' : '') + ' '.repeat(width - filled);
      process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${text} ETA ${formatDuration(etaSeconds)}\x1b[K`);
      return;
    }
    const decile = Math.floor(frac * 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    process.stderr.write(`${(frac * 100).toFixed(0).padStart(3)}% ${text} ETA ${formatDuration(etaSeconds)}\n`);
  }

  /** Leave the bar and print a line. */
  line(text: string): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(text + '\n');
    this.lastDecile = -1;
  }
}

/** 75 -> "1:15", 3700 -> "1:01:40"; "--:--" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
