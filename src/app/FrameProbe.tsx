// Counts rendered frames and reads renderer info after each one; renders nothing.
import { useFrame } from '@react-three/fiber'
import { frameStats } from './frameStats'

export function FrameProbe() {
  // Priority 0 keeps R3F's own render; this runs after the scene's other frame callbacks.
  useFrame(({ gl }) => {
    frameStats.frames += 1
    if (frameStats.firstFrameAt === 0) frameStats.firstFrameAt = performance.now()
    frameStats.drawCalls = gl.info.render.calls
    frameStats.triangles = gl.info.render.triangles
  })
  return null
}
