// Downloads of the Gap lab: the plot as SVG or PNG (the SVG drawn onto a canvas at 2×), CSVs.
import { download } from '../compare/export-png.ts';

export function svgText(svg: SVGSVGElement): string {
  return new XMLSerializer().serializeToString(svg);
}

export function downloadSvg(svg: SVGSVGElement, name: string): void {
  download(new Blob([svgText(svg)], { type: 'image/svg+xml' }), name);
}

export async function downloadPng(svg: SVGSVGElement, name: string): Promise<void> {
  const box = svg.viewBox.baseVal;
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = box.width * 2;
    canvas.height = box.height * 2;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, box.width, box.height);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
    if (!blob) throw new Error('PNG export failed');
    download(blob, name);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function downloadText(text: string, name: string, type = 'text/csv'): void {
  download(new Blob([text], { type }), name);
}
