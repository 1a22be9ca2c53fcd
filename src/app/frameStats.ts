// Frame counters written in the render loop (never through React state) and exposed on
// `window.__cq` so end-to-end tests and benchmarks can read what the renderer did.
export interface FrameStats {
  frames: number
  firstFrameAt: number
  drawCalls: number
  triangles: number
}

export const frameStats: FrameStats = { frames: 0, firstFrameAt: 0, drawCalls: 0, triangles: 0 }

declare global {
  interface Window {
    __cq?: { frameStats: FrameStats }
  }
}

if (typeof window !== 'undefined') window.__cq = { frameStats }
