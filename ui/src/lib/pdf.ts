// Preview of the stored, signed PDF itself (not a re-rendering of UI state) with pdf.js.
import { getDocument, GlobalWorkerOptions } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

export interface PageImage { src: string; /** share of dark pixels: 0 means a blank render */ ink: number }

/** Share of dark pixels on a small copy of the page (tests assert a page is not blank). */
function inkOf(canvas: HTMLCanvasElement): number {
  const c = document.createElement('canvas');
  c.width = 120;
  c.height = Math.round((120 * canvas.height) / canvas.width);
  const g = c.getContext('2d');
  if (!g) return 0;
  g.drawImage(canvas, 0, 0, c.width, c.height);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 200 && d[i + 3] > 0) n++;
  return n / (c.width * c.height);
}

/** Render every page of `bytes` to PNG data URLs at `width` CSS pixels (×2 for print). */
export async function renderPages(bytes: Uint8Array, width: number): Promise<PageImage[]> {
  const task = getDocument({ data: bytes, isOffscreenCanvasSupported: false, isImageDecoderSupported: false });
  const doc = await task.promise;
  const pages: PageImage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * 2 });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(viewport.width);
    canvas.height = Math.ceil(viewport.height);
    await page.render({ canvas, viewport }).promise;
    pages.push({ src: canvas.toDataURL('image/png'), ink: inkOf(canvas) });
  }
  await task.destroy();
  return pages;
}
