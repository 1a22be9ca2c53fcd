// Cangqiong's light rig as data: the sun and the sky's hemisphere light from the scene's
// environment. The view lights with it; low quality bakes the same light into vertex colours.
import { BufferAttribute, Color, Vector3 } from 'three'
import type { BufferGeometry } from 'three'
import type { Scene } from '../../protocol/scene'
import { smoothstep } from './noise'

export type Environment = Scene['environment']

export interface LightRig {
  /** Unit vector towards the sun. */
  sunDirection: Vector3
  sunColor: Color
  sunIntensity: number
  skyColor: Color
  groundColor: Color
  skyIntensity: number
}

/** Unit vector towards the sun from elevation/azimuth in degrees (azimuth 0 = +z, 90 = +x). */
export function sunDirection(env: Environment, out = new Vector3()): Vector3 {
  const el = (env.sunElevation * Math.PI) / 180
  const az = (env.sunAzimuth * Math.PI) / 180
  return out.set(Math.cos(el) * Math.sin(az), Math.sin(el), Math.cos(el) * Math.cos(az))
}

export function lightRig(env: Environment): LightRig {
  const el = env.sunElevation
  // The sun fades out as it sets; the sky's fill light dims less.
  const day = smoothstep(-4, 12, el)
  return {
    sunDirection: sunDirection(env),
    sunColor: new Color('#ffc98f').lerp(new Color('#fff5e8'), smoothstep(4, 40, el)),
    sunIntensity: 2.2 * day,
    skyColor: new Color(env.skyColor),
    groundColor: new Color('#7a6a4c'),
    skyIntensity: 0.55 + 0.6 * day,
  }
}

/**
 * Copies `geometry` with its vertex colours lit by the rig as three's Lambert shading would
 * (diffuse only, no shadows), for an unlit material: far cheaper per pixel on weak GPUs.
 */
export function bakeLighting(geometry: BufferGeometry, rig: LightRig): BufferGeometry {
  const g = geometry.clone()
  const normal = g.getAttribute('normal')
  const color = g.getAttribute('color')
  const out = new Float32Array(color.count * 3)
  const n = new Vector3()
  const sky = new Color()
  for (let i = 0; i < color.count; i++) {
    n.set(normal.getX(i), normal.getY(i), normal.getZ(i)).normalize()
    const sun = Math.max(0, n.dot(rig.sunDirection)) * rig.sunIntensity
    sky
      .copy(rig.groundColor)
      .lerp(rig.skyColor, 0.5 * n.y + 0.5)
      .multiplyScalar(rig.skyIntensity)
    // Lambert: albedo / π times irradiance (three's physically based light units).
    out[i * 3] = (color.getX(i) * (rig.sunColor.r * sun + sky.r)) / Math.PI
    out[i * 3 + 1] = (color.getY(i) * (rig.sunColor.g * sun + sky.g)) / Math.PI
    out[i * 3 + 2] = (color.getZ(i) * (rig.sunColor.b * sun + sky.b)) / Math.PI
  }
  g.setAttribute('color', new BufferAttribute(out, 3))
  return g
}
