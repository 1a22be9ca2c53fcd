// Post-processing for medium/high quality: ACES tone mapping, bloom on high, then FXAA (medium)
// or SMAA (high). Loaded with import() so `postprocessing` stays out of the first bundle.
import { useEffect, useState } from 'react'
import { useFrame, useThree } from '@react-three/fiber'
import { FRAME } from '../frameOrder'
import { HalfFloatType } from 'three'
import {
  BloomEffect,
  EffectComposer,
  EffectPass,
  FXAAEffect,
  RenderPass,
  SMAAEffect,
  SMAAPreset,
  ToneMappingEffect,
  ToneMappingMode,
} from 'postprocessing'

export interface PostFxProps {
  mode: 'fxaa' | 'bloom-smaa'
}

export default function PostFx({ mode }: PostFxProps) {
  const gl = useThree((s) => s.gl)
  const scene = useThree((s) => s.scene)
  const camera = useThree((s) => s.camera)
  const size = useThree((s) => s.size)
  const dpr = useThree((s) => s.viewport.dpr)

  const [composer, setComposer] = useState<EffectComposer | null>(null)

  // Built in an effect, not a memo, so that StrictMode's trial unmount cannot leave a disposed
  // composer in use.
  useEffect(() => {
    // Half floats keep the HDR range (sun disc, glints) for bloom and tone mapping.
    const c = new EffectComposer(gl, { frameBufferType: HalfFloatType, multisampling: 0 })
    c.addPass(new RenderPass(scene, camera))
    const tone = new ToneMappingEffect({ mode: ToneMappingMode.ACES_FILMIC })
    if (mode === 'bloom-smaa') {
      const bloom = new BloomEffect({
        mipmapBlur: true,
        levels: 4,
        luminanceThreshold: 0.9,
        luminanceSmoothing: 0.25,
        intensity: 0.55,
      })
      c.addPass(new EffectPass(camera, bloom, tone))
      // Anti-aliasing reads its neighbours, so it runs on the tone-mapped image in its own pass.
      c.addPass(new EffectPass(camera, new SMAAEffect({ preset: SMAAPreset.HIGH })))
    } else {
      c.addPass(new EffectPass(camera, tone))
      c.addPass(new EffectPass(camera, new FXAAEffect()))
    }
    setComposer(c)
    return () => {
      setComposer(null)
      c.dispose()
    }
  }, [gl, scene, camera, mode])

  useEffect(() => {
    composer?.setSize(size.width, size.height, false)
  }, [composer, size, dpr])

  // A positive priority hands rendering to the composer while this is mounted (and to the plain
  // renderer for the moment the composer is being built).
  useFrame((_, delta) => {
    // A headset draws each eye into its own layer: the composer's screen-sized targets do not
    // apply there, so VR renders plainly, with the renderer's own ACES tone mapping (HdAtmosphere).
    if (gl.xr.isPresenting) gl.render(scene, camera)
    else if (composer) composer.render(delta)
    else gl.render(scene, camera)
  }, FRAME.render)
  return null
}
