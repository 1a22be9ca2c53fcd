// App shell: the 3D canvas holds only scene components; HUD and panels are DOM siblings.
import { Canvas } from '@react-three/fiber'
import { FrameProbe } from './FrameProbe'
import { StartScene } from '../world/StartScene'

export function App() {
  return (
    <>
      <Canvas
        shadows
        dpr={[1, 2]}
        camera={{ position: [15, 6, 15], fov: 50, near: 0.1, far: 500 }}
        gl={{ antialias: true }}
        style={{ position: 'absolute', inset: 0 }}
      >
        <StartScene />
        <FrameProbe />
      </Canvas>
      <header
        style={{
          position: 'absolute',
          top: 16,
          left: 20,
          pointerEvents: 'none',
          textShadow: '0 1px 4px rgba(0,0,0,.5)',
        }}
      >
        <h1 style={{ margin: 0, fontSize: 28, letterSpacing: 2 }}>苍穹 Cangqiong</h1>
        <p style={{ margin: '4px 0 0', opacity: 0.85 }}>区块乐园 Block Park · 浏览器里的元宇宙</p>
      </header>
    </>
  )
}
