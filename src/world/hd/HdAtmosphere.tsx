// Sky (baked to a cube map), sun, fog and the renderer settings Cangqiong needs (ACES at an
// exposure that keeps the Preetham sky blue, shadows on, a far plane that reaches the
// mountains); all restored on unmount.
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import { useThree } from '@react-three/fiber'
import {
  ACESFilmicToneMapping,
  CubeCamera,
  HalfFloatType,
  PCFShadowMap,
  PerspectiveCamera,
  PMREMGenerator,
  Scene,
  WebGLCubeRenderTarget,
} from 'three'
import type { DirectionalLight, Vector3 } from 'three'
import { Sky } from 'three/examples/jsm/objects/Sky.js'
import type { HdWorld } from '../../protocol/scene'
import type { Environment } from './lighting'
import { lightRig, sunDirection } from './lighting'

/**
 * The Preetham sky is calibrated for an exposure near 0.5; at 1 it washes out to white. The
 * baked sky is dimmed by this factor instead of lowering the exposure, so fog and unlit mist
 * (which three blends after tone mapping without post-processing, before it with) look alike.
 */
export const SKY_INTENSITY = 0.5

/**
 * With image-based light the sky's cube map lights physically based materials too (soft
 * directional sky light, reflections in lacquer and tiles); the hemisphere light, which does the
 * same job flatly, keeps this share of its strength for the Lambert-shaded vegetation.
 */
export const IBL_INTENSITY = 0.3
/** Side of each face of the sky cube the image-based light is prefiltered from. */
const IBL_RESOLUTION = 64
export const HEMISPHERE_WITH_IBL = 0.35

export interface HdAtmosphereProps {
  hd: HdWorld
  env: Environment
  /** Shadow map side in texels; 0 for no shadows. */
  shadowMapSize: number
  /** Side of each face of the baked sky cube. */
  skyResolution: number
  /** Light physically based materials from the baked sky (off at low quality: nothing to light). */
  imageLight: boolean
}

export function HdAtmosphere({
  hd,
  env,
  shadowMapSize,
  skyResolution,
  imageLight,
}: HdAtmosphereProps) {
  const gl = useThree((s) => s.gl)
  const camera = useThree((s) => s.camera)
  const scene = useThree((s) => s.scene)
  const light = useRef<DirectionalLight>(null)

  const sun = useMemo(() => sunDirection(env), [env])
  const sky = useMemo(() => {
    const s = new Sky()
    s.name = 'hd-sky'
    // The sky shader pins its depth to the far plane, so any size works.
    s.scale.setScalar(10000)
    const u = s.material.uniforms
    u.turbidity!.value = 3.2
    u.rayleigh!.value = 1.4
    u.mieCoefficient!.value = 0.004
    u.mieDirectionalG!.value = 0.85
    u.cloudCoverage!.value = 0.32
    u.cloudDensity!.value = 0.35
    u.cloudElevation!.value = 0.55
    ;(u.sunPosition!.value as Vector3).copy(sun)
    return s
  }, [sun])
  useEffect(
    () => () => {
      sky.geometry.dispose()
      sky.material.dispose()
    },
    [sky],
  )

  // The Preetham sky (with its clouds) is costly per pixel: render it once into a cube map and
  // show that as the background, which costs one texture fetch per pixel.
  useLayoutEffect(() => {
    const target = new WebGLCubeRenderTarget(skyResolution, { type: HalfFloatType })
    const skyScene = new Scene()
    skyScene.add(sky)
    new CubeCamera(1, 100000, target).update(gl, skyScene)
    const previous = {
      background: scene.background,
      intensity: scene.backgroundIntensity,
      environment: scene.environment,
      environmentIntensity: scene.environmentIntensity,
    }
    scene.background = target.texture
    scene.backgroundIntensity = SKY_INTENSITY
    // The same sky without its sun disc (the sun is the directional light, with shadows),
    // prefiltered once for image-based light: a small cube is enough for diffuse light and
    // the blurred reflections of lacquer and tiles.
    let lightMap: ReturnType<PMREMGenerator['fromCubemap']> | null = null
    if (imageLight) {
      const lightTarget = new WebGLCubeRenderTarget(IBL_RESOLUTION, { type: HalfFloatType })
      const disc = sky.material.uniforms.showSunDisc!
      const shown = disc.value as number
      disc.value = 0
      new CubeCamera(1, 100000, lightTarget).update(gl, skyScene)
      disc.value = shown
      const pmrem = new PMREMGenerator(gl)
      lightMap = pmrem.fromCubemap(lightTarget.texture)
      pmrem.dispose()
      lightTarget.dispose()
      scene.environment = lightMap.texture
      scene.environmentIntensity = IBL_INTENSITY
    }
    skyScene.remove(sky)
    return () => {
      scene.background = previous.background
      scene.backgroundIntensity = previous.intensity
      scene.environment = previous.environment
      scene.environmentIntensity = previous.environmentIntensity
      lightMap?.dispose()
      target.dispose()
    }
  }, [gl, scene, sky, skyResolution, imageLight])

  // Renderer and camera settings for this world, put back as they were on unmount.
  useLayoutEffect(() => {
    const saved = {
      toneMapping: gl.toneMapping,
      exposure: gl.toneMappingExposure,
      shadows: gl.shadowMap.enabled,
      shadowType: gl.shadowMap.type,
    }
    gl.toneMapping = ACESFilmicToneMapping
    gl.toneMappingExposure = 1
    gl.shadowMap.enabled = true
    // PCFSoftShadowMap (R3F's default) was removed in three r180 and only warns.
    gl.shadowMap.type = PCFShadowMap
    return () => {
      gl.toneMapping = saved.toneMapping
      gl.toneMappingExposure = saved.exposure
      gl.shadowMap.enabled = saved.shadows
      gl.shadowMap.type = saved.shadowType
    }
  }, [gl])
  useLayoutEffect(() => {
    if (!(camera instanceof PerspectiveCamera)) return
    const far = camera.far
    // The far corners of the terrain must not be clipped against the sky.
    camera.far = Math.max(far, hd.size * 1.6)
    camera.updateProjectionMatrix()
    return () => {
      camera.far = far
      camera.updateProjectionMatrix()
    }
  }, [camera, hd.size])

  // A new shadow map size needs the old map freed; three allocates the new one on demand.
  useEffect(() => {
    const l = light.current
    if (!l) return
    l.castShadow = shadowMapSize > 0
    if (shadowMapSize > 0 && l.shadow.mapSize.x !== shadowMapSize) {
      l.shadow.mapSize.set(shadowMapSize, shadowMapSize)
      l.shadow.map?.dispose()
      l.shadow.map = null
    }
  }, [shadowMapSize])

  const rig = useMemo(() => lightRig(env), [env])
  // The shadow camera covers the valley, where visitors walk; mountains beyond go unshadowed.
  const reach = Math.max(40, hd.terrain.valleyRadius * 1.3)
  const distance = 400
  return (
    <>
      <fog attach="fog" args={[env.fog.color, env.fog.near, env.fog.far]} />
      <hemisphereLight
        args={[
          rig.skyColor,
          rig.groundColor,
          rig.skyIntensity * (imageLight ? HEMISPHERE_WITH_IBL : 1),
        ]}
      />
      <directionalLight
        ref={light}
        position={[sun.x * distance, sun.y * distance, sun.z * distance]}
        color={rig.sunColor}
        intensity={rig.sunIntensity}
        castShadow={shadowMapSize > 0}
        shadow-mapSize={[Math.max(shadowMapSize, 512), Math.max(shadowMapSize, 512)]}
        shadow-bias={-0.0004}
        shadow-normalBias={0.05}
        shadow-camera-left={-reach}
        shadow-camera-right={reach}
        shadow-camera-top={reach}
        shadow-camera-bottom={-reach}
        shadow-camera-near={1}
        shadow-camera-far={distance * 2}
      />
    </>
  )
}
