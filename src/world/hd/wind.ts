// Injects the wind sway of shaders/wind-*.glsl into vegetation materials (and their shadow
// depth materials) with onBeforeCompile; one shared clock drives every plant.
import type { Material } from 'three'
import { MeshDepthMaterial, RGBADepthPacking, Vector2 } from 'three'
import windPars from '../../../shaders/wind-pars.glsl?raw'
import windVertex from '../../../shaders/wind-vertex.glsl?raw'
import foliagePars from '../../../shaders/hd-foliage-pars.glsl?raw'
import foliageColor from '../../../shaders/hd-foliage-color.glsl?raw'

/** Shared uniforms: advance `time` once per frame. */
export const windUniforms = {
  uWindTime: { value: 0 },
  uWindDirection: { value: new Vector2(0.8, 0.6).normalize() },
}

export interface WindOptions {
  /** Sway in metres at windWeight 1. */
  strength: number
  /** Tint only foliage with the instance colour (needs a `foliage` attribute). */
  foliageTint?: boolean
  /** Light blades as if they faced up, from both sides (grass). */
  upNormals?: boolean
}

/** Adds wind to a material; returns the material's strength uniform (to calm it at run time). */
export function addWind(
  material: Material,
  options: WindOptions,
  strength: { value: number } = { value: options.strength },
): { value: number } {
  const key = `hd-wind${options.foliageTint ? '-tint' : ''}${options.upNormals ? '-up' : ''}`
  material.onBeforeCompile = (shader) => {
    shader.uniforms.uWindTime = windUniforms.uWindTime
    shader.uniforms.uWindDirection = windUniforms.uWindDirection
    shader.uniforms.uWindStrength = strength
    let vs = shader.vertexShader.replace(
      '#include <common>',
      `#include <common>\n${windPars}\n${options.foliageTint ? foliagePars : ''}`,
    )
    vs = vs.replace('#include <begin_vertex>', `#include <begin_vertex>\n${windVertex}`)
    if (options.foliageTint) vs = vs.replace('#include <color_vertex>', foliageColor)
    shader.vertexShader = vs
    if (options.upNormals) {
      // Double-sided blades would otherwise turn dark when seen from behind.
      shader.fragmentShader = shader.fragmentShader.replace(
        '#include <normal_fragment_begin>',
        '#include <normal_fragment_begin>\nnormal = normalize( vNormal );',
      )
    }
  }
  material.customProgramCacheKey = () => key
  return strength
}

/** A shadow depth material that sways like the plant it stands in for (same strength uniform). */
export function windDepthMaterial(strength: { value: number }): MeshDepthMaterial {
  const m = new MeshDepthMaterial({ depthPacking: RGBADepthPacking })
  addWind(m, { strength: strength.value }, strength)
  return m
}
