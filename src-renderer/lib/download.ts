/** Browser mode's file transfers: offer bytes as a download, read a picked file's bytes. */
import type { DownloadFile } from '../../src-main/library/models-contract';

/** Let the browser save `file` (the person's download folder or its Save dialog). */
export function downloadFile(file: DownloadFile, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.style.display = 'none';
  doc.body.append(a);
  a.click();
  a.remove();
  // NOTE: revoked a little later; revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A picked file's name and bytes. */
export async function readPickedFile(file: File): Promise<{ fileName: string; bytes: Uint8Array }> {
  return { fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}
