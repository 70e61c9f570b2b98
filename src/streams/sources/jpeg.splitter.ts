// Splits a byte stream of concatenated JPEGs (ffmpeg's `-f image2pipe -c:v mjpeg`, or multipart bodies) into whole
// frames. A frame runs from SOI (FF D8) to EOI (FF D9); inside entropy-coded data 0xFF is always stuffed (FF 00), so
// the first EOI after an SOI ends the frame for encoders that embed no thumbnails (ffmpeg's does not).
// Memory is bounded: a "frame" longer than maxFrameBytes is dropped and the splitter resynchronises on the next SOI.

export class JpegSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Frames dropped for exceeding maxFrameBytes (garbage or a stream that is not MJPEG). */
  oversized = 0;

  constructor(
    private readonly onFrame: (jpeg: Buffer) => void,
    private readonly maxFrameBytes = 16 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const start = findMarker(this.buf, 0xd8, 0);
      if (start < 0) {
        // Keep a trailing 0xFF: it may be the first half of the next SOI.
        this.buf = this.buf.length && this.buf[this.buf.length - 1] === 0xff ? this.buf.subarray(-1) : Buffer.alloc(0);
        return;
      }
      const end = findMarker(this.buf, 0xd9, start + 2);
      if (end < 0) {
        this.buf = this.buf.subarray(start);
        if (this.buf.length > this.maxFrameBytes) {
          this.oversized++;
          this.buf = this.buf.subarray(2);
        }
        return;
      }
      // A copy, so the frame does not pin the (possibly much larger) concatenated buffer.
      this.onFrame(Buffer.from(this.buf.subarray(start, end + 2)));
      this.buf = this.buf.subarray(end + 2);
    }
  }
}

function findMarker(b: Buffer, second: number, from: number): number {
  for (let i = b.indexOf(0xff, from); i >= 0 && i + 1 < b.length; i = b.indexOf(0xff, i + 1)) {
    if (b[i + 1] === second) return i;
  }
  return -1;
}
