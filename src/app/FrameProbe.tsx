// Counts rendered frames and what the renderer drew; renders nothing. It runs first in each
// frame and reads the totals of the whole previous frame (shadow, scene, pixel and post passes),
// so renderer.info is reset here rather than on every render call.
import { useFrame } from '@react-three/fiber'
import { FRAME } from '../world/frameOrder'
import { useWorld } from '../state/world'
import { frameStats } from './frameStats'

export function FrameProbe() {
  // First in the frame (FRAME.probe), and below zero so R3F keeps rendering by itself.
  useFrame(({ gl }) => {
    gl.info.autoReset = false
    if (frameStats.frames > 0) {
      frameStats.drawCalls = gl.info.render.calls
      frameStats.triangles = gl.info.render.triangles
    }
    gl.info.reset()
    frameStats.frames += 1
    const now = performance.now()
    if (frameStats.firstFrameAt === 0) frameStats.firstFrameAt = now
    const world = useWorld.getState()
    if (world.status === 'ready' && frameStats.worldFirstFrameId !== world.worldId) {
      frameStats.worldFirstFrameId = world.worldId
      frameStats.worldFirstFrameAt = now
    }
  }, FRAME.probe)
  return null
}
