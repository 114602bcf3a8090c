/** Whether `threads` is a thread count the kernels can run on: a whole number from 1 to `most`. */
export function isThreadCount(threads: unknown, most: number): threads is number {
  return typeof threads === 'number' && Number.isInteger(threads) && threads >= 1 && threads <= most;
}
