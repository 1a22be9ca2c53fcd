// The start-screen backdrop: a small floating voxel island with a pavilion in a clear sky.
// Voxels are one instanced mesh, so the whole island costs a single draw call.
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import { useFrame, useThree } from '@react-three/fiber'
import { FRAME } from './frameOrder'
import { OrbitControls } from '@react-three/drei'
import type { InstancedMesh } from 'three'
import { Color, Object3D } from 'three'

interface Voxel {
  x: number
  y: number
  z: number
  color: string
}

function islandVoxels(): Voxel[] {
  const out: Voxel[] = []
  const R = 7
  for (let x = -R; x <= R; x++) {
    for (let z = -R; z <= R; z++) {
      const d = Math.hypot(x, z)
      if (d > R + 0.3) continue
      const top = Math.round(1.2 * Math.cos(x * 0.6) * Math.sin(z * 0.5))
      const depth = Math.max(1, Math.round((R - d) * 0.8))
      for (let y = top - depth; y <= top; y++) {
        const color =
          y === top ? (d > R - 1.2 ? '#d9c38c' : '#6dbb4f') : y > top - 2 ? '#8b5a2b' : '#7a7f87'
        out.push({ x, y, z, color })
      }
    }
  }
  return out
}

const scratch = new Object3D()
const scratchColor = new Color()

function Island() {
  const voxels = useMemo(islandVoxels, [])
  const ref = useRef<InstancedMesh>(null)
  useLayoutEffect(() => {
    const mesh = ref.current
    if (!mesh) return
    voxels.forEach((v, i) => {
      scratch.position.set(v.x, v.y, v.z)
      scratch.updateMatrix()
      mesh.setMatrixAt(i, scratch.matrix)
      mesh.setColorAt(i, scratchColor.set(v.color))
    })
    mesh.instanceMatrix.needsUpdate = true
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true
  }, [voxels])
  return (
    <instancedMesh ref={ref} args={[undefined, undefined, voxels.length]} castShadow receiveShadow>
      <boxGeometry />
      <meshStandardMaterial roughness={0.9} />
    </instancedMesh>
  )
}

function Pavilion() {
  return (
    <group position={[0, 1.5, 0]}>
      {[-1.5, 1.5].map((x) =>
        [-1.5, 1.5].map((z) => (
          <mesh key={`${x},${z}`} position={[x, 1, z]} castShadow>
            <boxGeometry args={[0.3, 2, 0.3]} />
            <meshStandardMaterial color="#a8322d" />
          </mesh>
        )),
      )}
      <mesh position={[0, 2.4, 0]} castShadow>
        <coneGeometry args={[3, 1.4, 4]} />
        <meshStandardMaterial color="#2f4858" roughness={0.6} />
      </mesh>
    </group>
  )
}

export function StartScene() {
  const spin = useRef<Object3D>(null)
  const camera = useThree((s) => s.camera)
  useEffect(() => {
    // Coming back from a world, the camera is wherever the avatar left it.
    camera.position.set(15, 6, 15)
    camera.lookAt(0, 0, 0)
  }, [camera])
  useFrame((_, dt) => {
    if (spin.current) spin.current.rotation.y += dt * 0.05
  }, FRAME.scene)
  return (
    <>
      <color attach="background" args={['#86bfe8']} />
      <fog attach="fog" args={['#bcdcf2', 30, 90]} />
      <hemisphereLight args={['#cfe8ff', '#4a3b2a', 0.6]} />
      <directionalLight
        position={[20, 30, 10]}
        intensity={2.2}
        castShadow
        shadow-mapSize={[1024, 1024]}
      />
      <group ref={spin}>
        <Island />
        <Pavilion />
      </group>
      <OrbitControls enablePan={false} minDistance={8} maxDistance={40} maxPolarAngle={1.45} />
    </>
  )
}
