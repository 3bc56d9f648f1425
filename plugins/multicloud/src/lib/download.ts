/** Offers a file for download under the given name. */
export function downloadFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The browser reads the file after the click returns; free it later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
