// Pixel-art rendering for Block Park: draws the scene into a low-resolution target, then upscales
// it with whole screen pixels per texel, a posterized palette and depth outlines. Main thread, R3F.
import { useEffect, useMemo } from 'react'
import { useFrame } from '@react-three/fiber'
import { FRAME } from '../frameOrder'
import {
  BufferAttribute,
  BufferGeometry,
  DepthTexture,
  Mesh,
  NearestFilter,
  OrthographicCamera,
  SRGBColorSpace,
  Scene,
  ShaderMaterial,
  UnsignedIntType,
  Vector2,
  WebGLRenderTarget,
} from 'three'
import type { Camera } from 'three'
import vertexShader from '../../../shaders/pixel-post.vert?raw'
import fragmentShader from '../../../shaders/pixel-post.frag?raw'
import { effectiveQuality } from '../../state/settings'

/** CSS pixels per texel at each quality: coarser texels also mean fewer pixels to shade. */
export const PIXEL_SIZE = { high: 2, medium: 3, low: 4 } as const

export interface PixelPassProps {
  /** Colour levels per channel after posterizing. */
  levels?: number
  /** How much an outline darkens (0 none, 1 black). */
  outline?: number
}

const bufferSize = new Vector2()

type AnyCamera = Camera & { near?: number; far?: number; isPerspectiveCamera?: boolean }

export function PixelPass({ levels = 16, outline = 0.45 }: PixelPassProps) {
  const pass = useMemo(() => {
    const target = new WebGLRenderTarget(1, 1, {
      minFilter: NearestFilter,
      magFilter: NearestFilter,
      // sRGB storage keeps dark tones from banding in 8 bits; sampling decodes to linear.
      colorSpace: SRGBColorSpace,
      depthBuffer: true,
      depthTexture: new DepthTexture(1, 1, UnsignedIntType),
    })
    const geometry = new BufferGeometry()
    // One triangle covering the screen: cheaper than a quad and no diagonal seam.
    geometry.setAttribute(
      'position',
      new BufferAttribute(new Float32Array([-1, -1, 0, 3, -1, 0, -1, 3, 0]), 3),
    )
    const material = new ShaderMaterial({
      vertexShader,
      fragmentShader,
      depthTest: false,
      depthWrite: false,
      uniforms: {
        tColor: { value: target.texture },
        tDepth: { value: target.depthTexture },
        uSize: { value: new Vector2(1, 1) },
        uPixel: { value: 1 },
        uNear: { value: 0.1 },
        uFar: { value: 1000 },
        uPerspective: { value: 1 },
        uLevels: { value: levels },
        uOutline: { value: outline },
      },
    })
    const mesh = new Mesh(geometry, material)
    mesh.frustumCulled = false
    const scene = new Scene()
    scene.add(mesh)
    return { target, geometry, material, scene, camera: new OrthographicCamera() }
  }, [levels, outline])

  // (Draw calls of both renders are counted by FrameProbe, which turns off info.autoReset.)
  useEffect(
    () => () => {
      pass.target.depthTexture?.dispose()
      pass.target.dispose()
      pass.geometry.dispose()
      pass.material.dispose()
    },
    [pass],
  )

  // A positive priority takes rendering over from R3F.
  useFrame((state) => {
    const { gl: renderer, scene, camera, viewport } = state
    // A headset draws each eye into its own layer: pixelating a screen-sized target does not
    // apply there (and low resolution up close is uncomfortable), so VR renders plainly.
    if (renderer.xr.isPresenting) {
      renderer.render(scene, camera)
      return
    }
    const u = pass.material.uniforms
    const pixel = PIXEL_SIZE[effectiveQuality()] * viewport.dpr
    renderer.getDrawingBufferSize(bufferSize)
    const w = Math.max(1, Math.ceil(bufferSize.x / pixel))
    const h = Math.max(1, Math.ceil(bufferSize.y / pixel))
    if (pass.target.width !== w || pass.target.height !== h) {
      pass.target.setSize(w, h)
      u.uSize!.value.set(w, h)
    }
    u.uPixel!.value = pixel
    const cam = camera as AnyCamera
    u.uNear!.value = cam.near ?? 0.1
    u.uFar!.value = cam.far ?? 1000
    u.uPerspective!.value = cam.isPerspectiveCamera ? 1 : 0

    renderer.setRenderTarget(pass.target)
    renderer.render(scene, camera)
    renderer.setRenderTarget(null)
    renderer.render(pass.scene, pass.camera)
  }, FRAME.render)

  return null
}
