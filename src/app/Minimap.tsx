// A north-up radar around the visitor: points of interest, portals, and the visitor's heading.
// Drawn on a 2D canvas from R3F's addEffect (every few frames), never through React state.
import { useEffect, useRef } from 'react'
import { addEffect } from '@react-three/fiber'
import { remotes } from '../net/remotes'
import { localMotion } from '../state/player'
import { useWorld } from '../state/world'
import { useT } from '../i18n'

const RANGE = 90 // metres from centre to rim
const KIND_COLORS: Record<string, string> = {
  scenic: '#5fd38d',
  landmark: '#e0b15a',
  village: '#f2a7c3',
  viewpoint: '#5fa8d3',
}

export function Minimap() {
  const t = useT()
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    let frame = 0
    return addEffect(() => {
      frame++
      if (frame % 4 !== 0) return
      const canvas = ref.current
      const scene = useWorld.getState().scene
      if (!canvas || !scene) return
      const ctx = canvas.getContext('2d')
      if (!ctx) return
      const size = canvas.width
      const c = size / 2
      const k = (c - 10) / RANGE
      ctx.clearRect(0, 0, size, size)
      ctx.strokeStyle = 'rgba(255,255,255,0.15)'
      for (const r of [0.33, 0.66]) {
        ctx.beginPath()
        ctx.arc(c, c, (c - 10) * r, 0, Math.PI * 2)
        ctx.stroke()
      }
      const place = (x: number, z: number): [number, number] | null => {
        const dx = (x - localMotion.x) * k
        const dz = (z - localMotion.z) * k
        const d = Math.hypot(dx, dz)
        const max = c - 8
        return d > max ? [c + (dx / d) * max, c + (dz / d) * max] : [c + dx, c + dz]
      }
      for (const p of scene.portals) {
        const at = place(p.position[0], p.position[2])
        if (!at) continue
        ctx.strokeStyle = '#b48cff'
        ctx.lineWidth = 2
        ctx.beginPath()
        ctx.arc(at[0], at[1], 4.5, 0, Math.PI * 2)
        ctx.stroke()
      }
      for (const p of scene.pois) {
        const at = place(p.position[0], p.position[2])
        if (!at) continue
        ctx.fillStyle = KIND_COLORS[p.kind] ?? '#fff'
        ctx.beginPath()
        ctx.arc(at[0], at[1], 4, 0, Math.PI * 2)
        ctx.fill()
      }
      // Other visitors near enough to be received.
      ctx.fillStyle = 'rgba(255,255,255,0.85)'
      for (const r of remotes.values()) {
        const at = place(r.motion.x, r.motion.z)
        if (!at) continue
        ctx.beginPath()
        ctx.arc(at[0], at[1], 2.5, 0, Math.PI * 2)
        ctx.fill()
      }
      // The visitor: an arrow along the heading (0 faces -z, which is up on the map).
      ctx.save()
      ctx.translate(c, c)
      ctx.rotate(-localMotion.heading)
      ctx.fillStyle = '#ffffff'
      ctx.beginPath()
      ctx.moveTo(0, -9)
      ctx.lineTo(6, 7)
      ctx.lineTo(0, 3)
      ctx.lineTo(-6, 7)
      ctx.closePath()
      ctx.fill()
      ctx.restore()
      ctx.fillStyle = '#e4572e'
      ctx.font = 'bold 13px system-ui, sans-serif'
      ctx.textAlign = 'center'
      ctx.fillText('N', c, 15)
    })
  }, [])
  // A landmark of its own (the canvas is placed by its class; the aside has no box).
  return (
    <aside aria-label={t('minimap.label')}>
      <canvas
        ref={ref}
        className="minimap"
        width={168}
        height={168}
        role="img"
        aria-label={t('minimap.label')}
        data-testid="minimap"
      />
    </aside>
  )
}
