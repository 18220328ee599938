// Preview of the stored, signed PDF itself (not a re-rendering of UI state) with pdf.js.
import { getDocument, GlobalWorkerOptions } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Render every page of `bytes` to PNG data URLs at `width` CSS pixels (×2 for print). */
export async function renderPages(bytes: Uint8Array, width: number): Promise<string[]> {
  const task = getDocument({ data: bytes, isOffscreenCanvasSupported: false, isImageDecoderSupported: false });
  const doc = await task.promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * 2 });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(viewport.width);
    canvas.height = Math.ceil(viewport.height);
    await page.render({ canvas, viewport }).promise;
    pages.push(canvas.toDataURL('image/png'));
  }
  await task.destroy();
  return pages;
}
