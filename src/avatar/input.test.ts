// The pure input helpers: combining keys and stick, look and zoom, and who owns a key press.
import { describe, expect, it } from 'vitest'
import {
  applyLook,
  applyZoom,
  createInput,
  focusOwnsKey,
  keyAction,
  MAX_DISTANCE,
  MAX_PITCH,
  MIN_DISTANCE,
  releaseAll,
  resolveMove,
  wheelSteps,
  type FocusLike,
} from './input'

function el(tagName: string, attrs: Record<string, string> = {}, inModal = false): FocusLike {
  return {
    tagName,
    getAttribute: (name) => attrs[name] ?? null,
    closest: () => (inModal ? {} : null),
  }
}

describe('resolveMove', () => {
  it('maps keys to unit axes, diagonals included', () => {
    const s = createInput()
    s.keys.forward = true
    resolveMove(s)
    expect([s.moveX, s.moveY]).toEqual([0, 1])
    s.keys.right = true
    resolveMove(s)
    expect(Math.hypot(s.moveX, s.moveY)).toBeCloseTo(1, 9)
    expect(s.moveX).toBeGreaterThan(0)
    s.keys.forward = s.keys.right = false
    s.keys.back = true
    s.keys.run = true
    resolveMove(s)
    expect([s.moveX, s.moveY, s.run]).toEqual([0, -1, true])
  })

  it('uses the joystick when no key is held, clamped to length 1', () => {
    const s = createInput()
    s.stickX = 0.3
    s.stickY = 0.4
    resolveMove(s)
    expect([s.moveX, s.moveY, s.run]).toEqual([0.3, 0.4, false])
    s.stickX = 3
    s.stickY = 4
    s.stickRun = true
    resolveMove(s)
    expect(s.moveX).toBeCloseTo(0.6, 9)
    expect(s.moveY).toBeCloseTo(0.8, 9)
    expect(s.run).toBe(true)
  })

  it('releases everything at once', () => {
    const s = createInput()
    s.keys.left = s.keys.run = true
    s.stickY = 1
    releaseAll(s)
    resolveMove(s)
    expect([s.moveX, s.moveY, s.run]).toEqual([0, 0, false])
  })
})

describe('look and zoom', () => {
  it('turns right when dragging right and looks up when dragging up', () => {
    const rig = { yaw: 0, pitch: 0.3, distance: 7 }
    applyLook(rig, 100, 0, false)
    expect(rig.yaw).toBeLessThan(0) // forward (-sin yaw, -cos yaw) swings towards +x
    applyLook(rig, 0, -40, false)
    expect(rig.pitch).toBeLessThan(0.3)
  })

  it('inverts the vertical axis when asked', () => {
    const a = { yaw: 0, pitch: 0.3, distance: 7 }
    const b = { yaw: 0, pitch: 0.3, distance: 7 }
    applyLook(a, 0, 40, false)
    applyLook(b, 0, 40, true)
    expect(a.pitch - 0.3).toBeCloseTo(0.3 - b.pitch, 9)
  })

  it('clamps pitch and distance', () => {
    const rig = { yaw: 0, pitch: 0.3, distance: 7 }
    applyLook(rig, 0, 1e6, false)
    expect(rig.pitch).toBe(MAX_PITCH)
    applyZoom(rig, 1e3)
    expect(rig.distance).toBe(MAX_DISTANCE)
    applyZoom(rig, -1e3)
    expect(rig.distance).toBe(MIN_DISTANCE)
  })

  it('normalises wheel deltas across pixel, line and page modes', () => {
    expect(wheelSteps(100, 0)).toBeCloseTo(1, 9)
    expect(wheelSteps(3, 1)).toBeCloseTo(0.48, 9)
    expect(wheelSteps(-1, 2)).toBe(-3)
  })
})

describe('keys and focus', () => {
  it('maps physical keys', () => {
    expect(keyAction('KeyW')).toBe('forward')
    expect(keyAction('ArrowLeft')).toBe('left')
    expect(keyAction('ShiftRight')).toBe('run')
    expect(keyAction('Space')).toBe('jump')
    expect(keyAction('KeyV')).toBe('view')
    expect(keyAction('KeyQ')).toBeNull()
  })

  it('leaves every key to text fields and widgets that use arrows', () => {
    for (const target of [
      el('INPUT'),
      el('input', { type: 'search' }),
      el('TEXTAREA'),
      el('SELECT'),
      el('DIV', { role: 'slider' }),
      el('BUTTON', { role: 'radio' }),
    ]) {
      expect(focusOwnsKey(target, 'KeyW')).toBe(true)
      expect(focusOwnsKey(target, 'ArrowUp')).toBe(true)
    }
    expect(focusOwnsKey({ ...el('DIV'), isContentEditable: true }, 'KeyA')).toBe(true)
  })

  it('lets buttons keep Space and Enter but not WASD', () => {
    for (const target of [
      el('BUTTON'),
      el('DIV', { role: 'button' }),
      el('A', { href: '#' }),
      el('INPUT', { type: 'checkbox' }),
    ]) {
      expect(focusOwnsKey(target, 'Space')).toBe(true)
      expect(focusOwnsKey(target, 'KeyW')).toBe(false)
    }
  })

  it('gives every key to a modal dialog and none to the page body', () => {
    expect(focusOwnsKey(el('BUTTON', {}, true), 'KeyW')).toBe(true)
    expect(focusOwnsKey(el('BODY'), 'Space')).toBe(false)
    expect(focusOwnsKey(null, 'Space')).toBe(false)
  })
})
