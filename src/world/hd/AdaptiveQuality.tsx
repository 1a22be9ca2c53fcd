// Keeps any world's rendering within what the device can draw. With quality 'auto' a frame-rate
// monitor steps useEffectiveQuality and the pixel ratio down on slow frames, up on fast ones.
import { useEffect, useRef, useState } from 'react'
import { useThree } from '@react-three/fiber'
import { PerformanceMonitor } from '@react-three/drei'
import type { WebGLRenderer } from 'three'
import { useEffectiveQuality, useSettings } from '../../state/settings'
import type { QualityLevel } from './quality'
import { DPR_STEP, initialAutoLevel, LEVELS, MIN_DPR_SCALE, pixelRatio } from './quality'

/** Below 30 fps is slow, 55 fps and up is fast, whatever the display's refresh rate. */
const bounds = (): [number, number] => [30, 55]

/** The quality level in force: the setting, or what the monitor chose when it is 'auto'. */
export function useQualityLevel(): QualityLevel {
  const quality = useSettings((s) => s.quality)
  const level = useEffectiveQuality((s) => s.level)
  return quality === 'auto' ? level : quality
}

function rendererName(gl: WebGLRenderer): string {
  const ctx = gl.getContext()
  const ext = ctx.getExtension('WEBGL_debug_renderer_info')
  const name = ext ? ctx.getParameter(ext.UNMASKED_RENDERER_WEBGL) : ctx.getParameter(ctx.RENDERER)
  return typeof name === 'string' ? name : ''
}

function coarsePointer(): boolean {
  return typeof matchMedia !== 'undefined' && matchMedia('(pointer: coarse)').matches
}

export function AdaptiveQuality() {
  const quality = useSettings((s) => s.quality)
  const level = useQualityLevel()
  const gl = useThree((s) => s.gl)
  const setDpr = useThree((s) => s.setDpr)
  // Share of the level's pixel ratio in use; only 'auto' moves it.
  const [scale, setScale] = useState(1)
  const scaleRef = useRef(1)
  const rescale = (s: number) => {
    scaleRef.current = s
    setScale(s)
  }

  useEffect(() => {
    if (useSettings.getState().quality !== 'auto') return
    useEffectiveQuality.getState().choose(initialAutoLevel(rendererName(gl), coarsePointer()))
  }, [gl])

  useEffect(() => {
    const device = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1
    setDpr(pixelRatio(level, device, quality === 'auto' ? scale : 1))
  }, [level, scale, quality, setDpr])

  if (quality !== 'auto') return null
  // Slow: drop a level, and once at the lowest, shrink the pixel ratio. Fast: the reverse.
  const decline = () => {
    const i = LEVELS.indexOf(useEffectiveQuality.getState().level)
    if (i > 0) useEffectiveQuality.getState().choose(LEVELS[i - 1]!)
    else rescale(Math.max(MIN_DPR_SCALE, scaleRef.current - DPR_STEP))
  }
  const incline = () => {
    const i = LEVELS.indexOf(useEffectiveQuality.getState().level)
    if (scaleRef.current < 1) rescale(Math.min(1, scaleRef.current + DPR_STEP))
    else if (i < LEVELS.length - 1) useEffectiveQuality.getState().choose(LEVELS[i + 1]!)
  }
  return (
    <PerformanceMonitor bounds={bounds} flipflops={8} onDecline={decline} onIncline={incline} />
  )
}
