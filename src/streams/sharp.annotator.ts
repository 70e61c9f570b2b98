// sharp driver of FrameAnnotator: an SVG overlay (boxes, labels) composited onto the frame, re-encoded as JPEG.
import sharp from 'sharp';
import type { FrameAnnotator } from './frame.annotator.ts';

const COLOURS = { known: '#22c55e', unknown: '#ef4444', pending: '#eab308' } as const;

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export function sharpAnnotator(quality = 80): FrameAnnotator {
  return {
    async annotate(jpeg, annotations) {
      const meta = await sharp(jpeg).metadata();
      const w = meta.width ?? 0;
      const h = meta.height ?? 0;
      if (!annotations.length || !w || !h) return jpeg;
      const stroke = Math.max(2, Math.round(Math.min(w, h) / 200));
      const font = Math.max(12, Math.round(h / 30));
      const shapes = annotations.map((a) => {
        const x = Math.round(a.box.left * w);
        const y = Math.round(a.box.top * h);
        const bw = Math.round(a.box.width * w);
        const bh = Math.round(a.box.height * h);
        const c = COLOURS[a.tone];
        const ty = y > font + 4 ? y - 4 : y + bh + font;
        return (
          `<rect x="${x}" y="${y}" width="${bw}" height="${bh}" fill="none" stroke="${c}" stroke-width="${stroke}"/>` +
          `<text x="${x}" y="${ty}" font-family="sans-serif" font-size="${font}" fill="${c}">${escapeXml(a.label)}</text>`
        );
      });
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${shapes.join('')}</svg>`;
      return sharp(jpeg)
        .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
        .jpeg({ quality })
        .toBuffer();
    },
  };
}
