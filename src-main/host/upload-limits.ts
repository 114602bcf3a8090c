/**
 * How much the page may send to the browser-mode host, one definition for both ends: the page
 * checks a file's size against these before it sends anything, the host enforces them.
 */

/** Largest WebSocket message the host reads (a call with a model file in it). */
export const MAX_SOCKET_MESSAGE_BYTES = 256 * 1024 * 1024;

/** Largest model file the page sends inside a socket message (room left for the rest of the call). */
export const MAX_MODEL_UPLOAD_BYTES = MAX_SOCKET_MESSAGE_BYTES - 1024 * 1024;

/** Largest file the streaming upload (POST /upload) accepts: a dataset file. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Uploads that may stream at once (an IDX dataset is four files, sent together). */
export const MAX_UPLOADS_IN_FLIGHT = 4;

/**
 * Finished uploads the host keeps waiting to be used (two IDX datasets' worth); past it the
 * oldest is removed, so a page that uploads and never uses its files cannot fill the disk.
 */
export const MAX_UPLOADS_KEPT = 8;

/** Browser mode: where the page streams a file to; the reply is `{id, bytes}`. */
export const UPLOAD_PATH = '/upload';

/** An upload's id (22 base64url characters): what the page names the file by in dataset:upload. */
export const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;

/** 262144 -> "256 KiB", 1.5 * 2 ** 30 -> "1.5 GiB" (one decimal at most). */
export function byteSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toFixed(1))} ${units[unit]}`;
}
