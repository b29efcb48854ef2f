// Fused in-place optimizer steps over one contiguous float32 parameter and its slots, one SIMD pass.
// Every operation is a plain (unfused) float32 op in the order of the composite path, so the results are
// identical to the per-variable ops (src/kernels/optimizer.ts is the reference).

// Adam (AMSGrad when vh != 0): m += (g - m) c1; v += (g² - v) c2; vh = max(vh, v);
// w -= (m lrT) / (sqrt(v or vh) + eps).
export function adamUpdate(
  w: usize, g: usize, m: usize, v: usize, vh: usize, n: i32,
  lrT: f32, c1: f32, c2: f32, eps: f32,
): void {
  const C1 = f32x4.splat(c1);
  const C2 = f32x4.splat(c2);
  const LR = f32x4.splat(lrT);
  const EPS = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const gi = v128.load(g + off);
    const mo = v128.load(m + off);
    const vo = v128.load(v + off);
    const mi = f32x4.add(mo, f32x4.mul(f32x4.sub(gi, mo), C1));
    const vi = f32x4.add(vo, f32x4.mul(f32x4.sub(f32x4.mul(gi, gi), vo), C2));
    v128.store(m + off, mi);
    v128.store(v + off, vi);
    let s = vi;
    if (vh != 0) {
      s = f32x4.max(v128.load(vh + off), vi);
      v128.store(vh + off, s);
    }
    const step = f32x4.div(f32x4.mul(mi, LR), f32x4.add(f32x4.sqrt(s), EPS));
    v128.store(w + off, f32x4.sub(v128.load(w + off), step));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const gi = load<f32>(g + off);
    const mo = load<f32>(m + off);
    const vo = load<f32>(v + off);
    const mi = mo + (gi - mo) * c1;
    const vi = vo + (gi * gi - vo) * c2;
    store<f32>(m + off, mi);
    store<f32>(v + off, vi);
    let s = vi;
    if (vh != 0) {
      const h = load<f32>(vh + off);
      s = Mathf.max(h, vi); // f32.max: NaN propagates, as Math.max
      store<f32>(vh + off, s);
    }
    store<f32>(w + off, load<f32>(w + off) - (mi * lrT) / (Mathf.sqrt(s) + eps));
  }
}

// SGD: without a velocity (vel == 0) w -= g lr; else next = vel mom - g lr, vel = next,
// w += next (Nesterov: w += next mom - g lr).
export function sgdUpdate(
  w: usize, g: usize, vel: usize, n: i32, lr: f32, mom: f32, nesterov: i32,
): void {
  const LR = f32x4.splat(lr);
  const MOM = f32x4.splat(mom);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const step = f32x4.mul(v128.load(g + off), LR);
    const wo = v128.load(w + off);
    if (vel == 0) {
      v128.store(w + off, f32x4.sub(wo, step));
      continue;
    }
    const next = f32x4.sub(f32x4.mul(v128.load(vel + off), MOM), step);
    v128.store(vel + off, next);
    const inc = nesterov != 0 ? f32x4.sub(f32x4.mul(next, MOM), step) : next;
    v128.store(w + off, f32x4.add(wo, inc));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const step = load<f32>(g + off) * lr;
    const wo = load<f32>(w + off);
    if (vel == 0) {
      store<f32>(w + off, wo - step);
      continue;
    }
    const next = load<f32>(vel + off) * mom - step;
    store<f32>(vel + off, next);
    store<f32>(w + off, wo + (nesterov != 0 ? next * mom - step : next));
  }
}
