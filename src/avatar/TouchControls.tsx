// Touch source of the visitor's input, a DOM overlay beside the Canvas: a joystick bottom-left
// (pushed far = run), a jump button bottom-right, and one-finger look / two-finger zoom.
import { useEffect, useRef, type PointerEvent as ReactPointerEvent } from 'react'
import { useSettings, type Language } from '../state/settings'
import { input, pressJump } from './input'
import { useTouchUi } from './touchUi'

const STRINGS: Record<Language, { joystick: string; jump: string; controls: string }> = {
  'zh-CN': { joystick: '移动摇杆：拖动行走，推到边缘奔跑', jump: '跳跃', controls: '触控操作' },
  en: {
    joystick: 'Movement stick: drag to walk, push to the edge to run',
    jump: 'Jump',
    controls: 'Touch controls',
  },
}

/** Joystick travel in CSS pixels, and the push beyond which the visitor runs. */
const STICK_RADIUS = 48
const RUN_PUSH = 0.85
/** Touch look is a little faster than mouse drag: fingers travel less. */
const TOUCH_LOOK_GAIN = 1.3
const PINCH_GAIN = 0.02

export function TouchControls() {
  const lang = useSettings((s) => s.language)
  const text = STRINGS[lang]
  const shown = useTouchUi()
  const knob = useRef<HTMLDivElement>(null)
  const stick = useRef({ id: -1, cx: 0, cy: 0 })

  // Drag-to-look and pinch-to-zoom for fingers that start on the 3D view.
  useEffect(() => {
    if (!shown) return
    const fingers = new Map<number, { x: number; y: number }>()
    let pinch = 0
    const spread = () => {
      let a: { x: number; y: number } | undefined
      for (const p of fingers.values()) {
        if (!a) a = p
        else return Math.hypot(p.x - a.x, p.y - a.y)
      }
      return 0
    }
    const onDown = (e: PointerEvent) => {
      // Only the 3D view (three marks its canvas), not the minimap or panels.
      const onView = e.target instanceof Element && e.target.matches('canvas[data-engine]')
      if (e.pointerType !== 'touch' || !onView) return
      fingers.set(e.pointerId, { x: e.clientX, y: e.clientY })
      pinch = fingers.size === 2 ? spread() : 0
    }
    const onMove = (e: PointerEvent) => {
      const f = fingers.get(e.pointerId)
      if (!f) return
      const dx = e.clientX - f.x
      const dy = e.clientY - f.y
      f.x = e.clientX
      f.y = e.clientY
      if (fingers.size === 1) {
        input.lookX += dx * TOUCH_LOOK_GAIN
        input.lookY += dy * TOUCH_LOOK_GAIN
      } else if (fingers.size === 2) {
        const d = spread()
        input.zoom += (pinch - d) * PINCH_GAIN // spreading the fingers zooms in
        pinch = d
      }
    }
    const onUp = (e: PointerEvent) => {
      fingers.delete(e.pointerId)
      pinch = fingers.size === 2 ? spread() : 0
    }
    window.addEventListener('pointerdown', onDown)
    window.addEventListener('pointermove', onMove)
    window.addEventListener('pointerup', onUp)
    window.addEventListener('pointercancel', onUp)
    return () => {
      window.removeEventListener('pointerdown', onDown)
      window.removeEventListener('pointermove', onMove)
      window.removeEventListener('pointerup', onUp)
      window.removeEventListener('pointercancel', onUp)
    }
  }, [shown])

  // Never leave the avatar walking when the controls go away.
  useEffect(
    () => () => {
      input.stickX = input.stickY = 0
      input.stickRun = false
    },
    [],
  )

  const moveStick = (clientX: number, clientY: number) => {
    const s = stick.current
    let dx = clientX - s.cx
    let dy = clientY - s.cy
    const d = Math.hypot(dx, dy)
    if (d > STICK_RADIUS) {
      dx *= STICK_RADIUS / d
      dy *= STICK_RADIUS / d
    }
    input.stickX = dx / STICK_RADIUS
    input.stickY = -dy / STICK_RADIUS // screen up is forward
    input.stickRun = d / STICK_RADIUS > RUN_PUSH
    if (knob.current) knob.current.style.transform = `translate(${dx}px, ${dy}px)`
  }
  const releaseStick = () => {
    stick.current.id = -1
    input.stickX = input.stickY = 0
    input.stickRun = false
    if (knob.current) knob.current.style.transform = ''
  }
  const onStickDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (stick.current.id !== -1) return
    e.preventDefault()
    const rect = e.currentTarget.getBoundingClientRect()
    stick.current = {
      id: e.pointerId,
      cx: rect.left + rect.width / 2,
      cy: rect.top + rect.height / 2,
    }
    e.currentTarget.setPointerCapture(e.pointerId)
    moveStick(e.clientX, e.clientY)
  }
  const onStickMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.pointerId === stick.current.id) moveStick(e.clientX, e.clientY)
  }
  const onStickUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.pointerId === stick.current.id) releaseStick()
  }

  if (!shown) return null
  return (
    <section
      aria-label={text.controls}
      style={{ position: 'absolute', inset: 0, pointerEvents: 'none', zIndex: 5 }}
    >
      <div
        data-testid="joystick"
        role="application"
        aria-label={text.joystick}
        onPointerDown={onStickDown}
        onPointerMove={onStickMove}
        onPointerUp={onStickUp}
        onPointerCancel={onStickUp}
        onLostPointerCapture={onStickUp}
        style={{
          position: 'absolute',
          left: 'max(20px, env(safe-area-inset-left))',
          bottom: 'max(28px, env(safe-area-inset-bottom))',
          width: 132,
          height: 132,
          borderRadius: '50%',
          background: 'rgba(20, 30, 45, 0.28)',
          border: '2px solid rgba(255, 255, 255, 0.45)',
          boxShadow: '0 2px 10px rgba(0, 0, 0, 0.2)',
          pointerEvents: 'auto',
          touchAction: 'none',
          userSelect: 'none',
          WebkitUserSelect: 'none',
        }}
      >
        <div
          ref={knob}
          style={{
            position: 'absolute',
            left: 66 - 28,
            top: 66 - 28,
            width: 56,
            height: 56,
            borderRadius: '50%',
            background: 'rgba(255, 255, 255, 0.8)',
            boxShadow: '0 1px 6px rgba(0, 0, 0, 0.3)',
            pointerEvents: 'none',
          }}
        />
      </div>
      <button
        type="button"
        data-testid="jump-button"
        aria-label={text.jump}
        onPointerDown={(e) => {
          e.preventDefault() // keep focus (and the keyboard) on the world
          pressJump(input)
        }}
        onClick={(e) => {
          // Keyboard or assistive activation arrives as a click with no pointer detail.
          if (e.detail === 0) pressJump(input)
        }}
        style={{
          position: 'absolute',
          right: 'max(24px, env(safe-area-inset-right))',
          bottom: 'max(44px, env(safe-area-inset-bottom))',
          width: 76,
          height: 76,
          borderRadius: '50%',
          border: '2px solid rgba(255, 255, 255, 0.6)',
          // Dark enough for the glyph's 3:1 over a white sky (e2e/layout.spec.ts).
          background: 'rgba(20, 30, 45, 0.55)',
          color: '#fff',
          fontSize: '1.875rem',
          lineHeight: 1,
          pointerEvents: 'auto',
          touchAction: 'none',
          userSelect: 'none',
          WebkitUserSelect: 'none',
        }}
      >
        <span aria-hidden="true">⤒</span>
      </button>
    </section>
  )
}
