// Soft contact shadows under every figure in the world: one instanced quad per figure, laid on
// the ground beneath it (tilted to the slope), darkest at the feet and fading as the figure
// leaves the ground or the camera. One draw call for everyone, on every quality level: the sun's
// shadow map (medium and high) draws the figure's cast shadow; this grounds it where the sun's
// shadow falls behind the figure or there is none (low).
import { useEffect, useMemo } from 'react'
import { useFrame } from '@react-three/fiber'
import {
  DynamicDrawUsage,
  InstancedBufferAttribute,
  InstancedMesh,
  Matrix4,
  PlaneGeometry,
  Quaternion,
  ShaderMaterial,
  Vector3,
} from 'three'
import { FRAME } from '../world/frameOrder'
import { useWorld } from '../state/world'
import type { Motion } from '../state/player'
import type { WorldCollider } from '../world/collision'
import { figureStats } from './figureStats'

/** Figures drawn with a shadow at most; more would all be far away in a crowd. */
export const MAX_SHADOWS = 128
/** Radius of a standing figure's shadow, metres. */
const RADIUS = 0.5
/** Darkness at the centre (0–1). */
const STRENGTH = 0.6
/** Shadows fade out between these camera distances, metres. */
const FADE_NEAR = 24
const FADE_FAR = 40
/** Above this height over the ground (a jump, a fall) the shadow is gone. */
const FADE_HEIGHT = 3
/** Lift off the surface against z-fighting, metres (the material also offsets its depth). */
const LIFT = 0.02

const grounded = new Set<Motion>()

/** Puts a figure's shadow in the world while the component calling it is mounted. */
export function useContactShadow(motion: Motion, enabled = true) {
  useEffect(() => {
    if (!enabled) return
    grounded.add(motion)
    return () => {
      grounded.delete(motion)
    }
  }, [motion, enabled])
}

export interface ShadowPlacement {
  /** Ground height under the figure, or null when there is none within reach. */
  ground: number
  /** Unit normal of the ground there. */
  normal: Vector3
  /** 0–1: how dark the shadow is. */
  strength: number
  /** Its radius, metres. */
  radius: number
}

/** Probe offset for the ground's slope, metres. */
const PROBE = 0.3

/**
 * Where a figure at (x, y, z) casts its contact shadow and how strong it is, seen from
 * `cameraDistance`; null when none shows. Exported for tests; writes into `out`.
 */
export function placeShadow(
  collider: WorldCollider,
  x: number,
  y: number,
  z: number,
  cameraDistance: number,
  out: ShadowPlacement,
): ShadowPlacement | null {
  const fade = 1 - smooth(FADE_NEAR, FADE_FAR, cameraDistance)
  if (fade <= 0) return null
  // A figure stands on its ground; look a little above its feet so the step it is on counts.
  const ground = collider.groundAt(x, y + 0.25, z, 0.5)
  if (!Number.isFinite(ground)) return null
  const height = Math.max(0, y - ground)
  const air = 1 - smooth(0, FADE_HEIGHT, height)
  if (air <= 0) return null
  // The slope from two probes; a probe that finds no ground (a ledge) counts as level.
  const sx = collider.groundAt(x + PROBE, ground + 0.25, z, 0.5)
  const sz = collider.groundAt(x, ground + 0.25, z + PROBE, 0.5)
  const dx = Number.isFinite(sx) ? clampSlope(sx - ground) : 0
  const dz = Number.isFinite(sz) ? clampSlope(sz - ground) : 0
  out.normal.set(-dx, PROBE, -dz).normalize()
  out.ground = ground
  out.strength = STRENGTH * fade * air
  out.radius = RADIUS * (1 + 0.4 * (1 - air))
  return out
}

/** A step's edge is not a slope: past 45° the probe has found another surface. */
function clampSlope(d: number): number {
  return Math.abs(d) > PROBE ? 0 : d
}

function smooth(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)))
  return t * t * (3 - 2 * t)
}

const VERTEX = /* glsl */ `
attribute float strength;
varying vec2 vUv;
varying float vStrength;
void main() {
  vUv = uv;
  vStrength = strength;
  gl_Position = projectionMatrix * modelViewMatrix * instanceMatrix * vec4(position, 1.0);
}`

const FRAGMENT = /* glsl */ `
varying vec2 vUv;
varying float vStrength;
void main() {
  float r = length(vUv * 2.0 - 1.0);
  float a = 1.0 - smoothstep(0.15, 1.0, r);
  gl_FragColor = vec4(0.0, 0.0, 0.0, a * a * vStrength);
}`

const UP = new Vector3(0, 1, 0)

/** The shadows of every figure that asked for one (useContactShadow); mount once per world. */
export function ContactShadows() {
  const mesh = useMemo(() => {
    const geometry = new PlaneGeometry(2, 2).rotateX(-Math.PI / 2)
    const strength = new InstancedBufferAttribute(new Float32Array(MAX_SHADOWS), 1)
    strength.setUsage(DynamicDrawUsage)
    geometry.setAttribute('strength', strength)
    const material = new ShaderMaterial({
      vertexShader: VERTEX,
      fragmentShader: FRAGMENT,
      transparent: true,
      depthWrite: false,
      polygonOffset: true,
      polygonOffsetFactor: -2,
      polygonOffsetUnits: -2,
    })
    const m = new InstancedMesh(geometry, material, MAX_SHADOWS)
    m.name = 'contact-shadows'
    m.count = 0
    // Placed every frame across the world: no bounds to cull by.
    m.frustumCulled = false
    // After the opaque world, before other transparent things that stand above the ground.
    m.renderOrder = 1
    return m
  }, [])
  useEffect(
    () => () => {
      mesh.geometry.dispose()
      ;(mesh.material as ShaderMaterial).dispose()
      mesh.dispose()
    },
    [mesh],
  )

  const work = useMemo(
    () => ({
      place: { ground: 0, normal: new Vector3(), strength: 0, radius: 0 } as ShadowPlacement,
      matrix: new Matrix4(),
      rotation: new Quaternion(),
      position: new Vector3(),
      scale: new Vector3(),
    }),
    [],
  )

  useFrame(({ camera }) => {
    const collider = useWorld.getState().collider
    const strength = mesh.geometry.getAttribute('strength') as InstancedBufferAttribute
    let n = 0
    if (collider) {
      const { place, matrix, rotation, position, scale } = work
      for (const m of grounded) {
        if (n === MAX_SHADOWS) break
        const distance = camera.position.distanceTo(position.set(m.x, m.y, m.z))
        if (!placeShadow(collider, m.x, m.y, m.z, distance, place)) continue
        rotation.setFromUnitVectors(UP, place.normal)
        position.set(m.x, place.ground, m.z).addScaledVector(place.normal, LIFT)
        scale.setScalar(place.radius)
        mesh.setMatrixAt(n, matrix.compose(position, rotation, scale))
        strength.setX(n, place.strength)
        n++
      }
    }
    mesh.count = n
    figureStats.shadows = n
    if (n > 0) {
      mesh.instanceMatrix.clearUpdateRanges()
      mesh.instanceMatrix.addUpdateRange(0, n * 16)
      mesh.instanceMatrix.needsUpdate = true
      strength.clearUpdateRanges()
      strength.addUpdateRange(0, n)
      strength.needsUpdate = true
    }
  }, FRAME.scene)

  return <primitive object={mesh} />
}
