/**
 * The drawing pad: white ink on a black canvas (like MNIST), drawn with the mouse, a pen or a finger, turned
 * into a 28x28 input by the app's own MNIST framing ({@link centerDigit}).
 *
 * @packageDocumentation
 */
import { centerDigit } from '../src/image.js';

/**
 * A canvas to draw a digit on; calls `onStroke` with the 28x28 input after every stroke.
 *
 * @example
 * ```ts
 * const pad = new DigitCanvas(document.querySelector('canvas')!, (pixels) => classify(pixels));
 * ```
 */
export class DigitCanvas {
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  /** True once something has been drawn since the last {@link DigitCanvas.clear}. */
  drawn = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onStroke: (pixels: Float32Array) => void,
  ) {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('DigitCanvas: the canvas has no 2D context');
    this.ctx = ctx;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      const p = this.point(e);
      this.line(this.last, p);
      this.last = p;
    });
    const end = (): void => {
      if (!this.last) return;
      this.last = null;
      this.onStroke(this.pixels());
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  /** Wipe the drawing. */
  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawn = false;
  }

  /** The drawing as a 28x28 MNIST-style input (intensities in [0, 1], row-major). */
  pixels(): Float32Array {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const luma = new Float32Array(width * height);
    for (let i = 0; i < luma.length; i++) luma[i] = rgba[4 * i]! / 255;
    return centerDigit({ width, height, pixels: luma });
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * this.canvas.width) / r.width,
      y: ((e.clientY - r.top) * this.canvas.height) / r.height,
    };
  }

  private line(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.canvas.width / 12;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x, b.y);
    c.stroke();
    this.drawn = true;
  }
}
