/**
 * How much memory the engine may still take: what the system has available, lowered by a
 * container's limit and by SCRATCHNET_ENGINE_MEMORY_MB (a cap a person may set on a shared
 * machine), less what the engine already holds.
 */
import os from 'node:os';

/** Bytes the engine process may still allocate. */
export function freeMemory(env: NodeJS.ProcessEnv = process.env): number {
  // NOTE: on Linux os.freemem() is MemAvailable (free plus reclaimable caches), not MemFree.
  let free = os.freemem();
  const rss = process.memoryUsage.rss();
  const constrained = process.constrainedMemory?.() ?? 0;
  if (constrained > 0 && constrained < os.totalmem()) free = Math.min(free, constrained - rss);
  const capMb = Number(env.SCRATCHNET_ENGINE_MEMORY_MB);
  if (Number.isFinite(capMb) && capMb > 0) free = Math.min(free, capMb * 2 ** 20 - rss);
  return Math.max(0, free);
}
