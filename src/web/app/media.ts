// Pictures in the console: webcam snapshots, drag-and-drop/file pickers, and drawing face boxes with names.
import { h } from './dom.ts';

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export class Camera {
  readonly video = h('video', { autoplay: true, muted: true, playsInline: true, class: 'camera' });
  private stream: MediaStream | null = null;

  async start(): Promise<void> {
    if (this.stream) return;
    this.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    this.video.srcObject = this.stream;
    this.video.classList.add('live');
    await this.video.play();
  }

  stop(): void {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.video.srcObject = null;
    this.video.classList.remove('live');
  }

  get running(): boolean {
    return this.stream !== null;
  }

  /** A JPEG of the current frame. */
  async snapshot(): Promise<Blob> {
    const c = h('canvas', { width: this.video.videoWidth || 640, height: this.video.videoHeight || 480 });
    c.getContext('2d')!.drawImage(this.video, 0, 0, c.width, c.height);
    return new Promise((resolve, reject) =>
      c.toBlob((b) => (b ? resolve(b) : reject(new Error('snapshot failed'))), 'image/jpeg', 0.9),
    );
  }
}

/** A drop zone that also opens a file picker; calls back with the chosen images. */
export function dropZone(label: string, multiple: boolean, onFiles: (files: File[]) => void): HTMLElement {
  const input = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple, hidden: true });
  const zone = h('div', { class: 'drop', tabIndex: 0, role: 'button' }, label);
  const take = (list: FileList | null) => {
    const files = [...(list ?? [])].filter((f) => f.type.startsWith('image/'));
    if (files.length) onFiles(files);
  };
  input.addEventListener('change', () => take(input.files));
  zone.addEventListener('click', () => input.click());
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    take(e.dataTransfer?.files ?? null);
  });
  return h('div', {}, zone, input);
}

/** The image on a canvas with labelled boxes (ratios of the image size). */
export async function drawBoxes(
  blob: Blob,
  boxes: { box: Box; label: string; ok: boolean }[],
): Promise<HTMLCanvasElement> {
  const bitmap = await createImageBitmap(blob);
  const scale = Math.min(1, 640 / bitmap.width);
  const c = h('canvas', {
    width: Math.round(bitmap.width * scale),
    height: Math.round(bitmap.height * scale),
    class: 'result',
  });
  const g = c.getContext('2d')!;
  g.drawImage(bitmap, 0, 0, c.width, c.height);
  g.lineWidth = 3;
  g.font = '600 15px system-ui, sans-serif';
  for (const { box, label, ok } of boxes) {
    const [x, y, w, hgt] = [box.left * c.width, box.top * c.height, box.width * c.width, box.height * c.height];
    g.strokeStyle = g.fillStyle = ok ? '#1f9d55' : '#d64545';
    g.strokeRect(x, y, w, hgt);
    const tw = g.measureText(label).width + 10;
    g.fillRect(x - 1.5, Math.max(0, y - 22), tw, 22);
    g.fillStyle = '#fff';
    g.fillText(label, x + 4, Math.max(16, y - 6));
  }
  return c;
}
