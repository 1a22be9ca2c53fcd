// The visitor's input as one plain mutable object: keyboard, mouse and touch sources write it,
// the frame loop reads and consumes it. No React or three here, so it is testable in Node.
import { clamp, createControlInput, wrapAngle, type ControlInput } from './controller'

export type { ControlInput }

export interface InputState extends ControlInput {
  /** Keyboard sources, combined into moveX/moveY/run by resolveMove(). */
  keys: { forward: boolean; back: boolean; left: boolean; right: boolean; run: boolean }
  /** Virtual joystick, -1..1 each (y up = forward); stickRun when pushed far. */
  stickX: number
  stickY: number
  stickRun: boolean
  /** Look deltas in screen pixels accumulated since the last frame (consumed by the camera). */
  lookX: number
  lookY: number
  /** Zoom steps accumulated since the last frame (positive = farther). */
  zoom: number
}

/** How long a tap on jump is remembered, so a press just before landing still jumps. */
export const JUMP_BUFFER = 0.15
export const MIN_DISTANCE = 2
export const MAX_DISTANCE = 14
export const MIN_PITCH = -1
export const MAX_PITCH = 1.35
/** Radians per pixel of drag. */
export const LOOK_SENSITIVITY = 0.005

export function createInput(): InputState {
  return {
    ...createControlInput(),
    keys: { forward: false, back: false, left: false, right: false, run: false },
    stickX: 0,
    stickY: 0,
    stickRun: false,
    lookX: 0,
    lookY: 0,
    zoom: 0,
  }
}

/** The single input object of the local visitor. */
export const input: InputState = createInput()

/**
 * Set by panels and dialogs while they are open: keys then do not move the avatar. A live
 * binding, so importers always see the current value.
 */
/**
 * What a click or tap on the world does instead of walking there (the builder's tools), given
 * the pointer's page position and which button: true when it took the click. One at a time.
 */
export type ClickTool = (clientX: number, clientY: number, button: number) => boolean
export let clickTool: ClickTool | null = null
export function setClickTool(tool: ClickTool | null): void {
  clickTool = tool
}

export let inputBlocked = false
export function setInputBlocked(blocked: boolean): void {
  inputBlocked = blocked
  if (blocked) releaseAll(input)
}

/** Drops every held key and stick so nothing keeps walking after focus moves away. */
export function releaseAll(s: InputState): void {
  s.keys.forward = s.keys.back = s.keys.left = s.keys.right = s.keys.run = false
  s.stickX = s.stickY = 0
  s.stickRun = false
  s.moveX = s.moveY = 0
  s.run = false
}

export function pressJump(s: ControlInput): void {
  s.jumpBuffer = JUMP_BUFFER
}

export function clearTarget(s: ControlInput): void {
  s.target.active = false
}

export function setTarget(s: ControlInput, x: number, y: number, z: number): void {
  s.target.active = true
  s.target.x = x
  s.target.y = y
  s.target.z = z
}

/** Combines keys and joystick into moveX/moveY/run; the longer of the two vectors wins. */
export function resolveMove(s: InputState): void {
  let kx = (s.keys.right ? 1 : 0) - (s.keys.left ? 1 : 0)
  let ky = (s.keys.forward ? 1 : 0) - (s.keys.back ? 1 : 0)
  // Diagonals are not faster than straight lines.
  if (kx !== 0 && ky !== 0) {
    kx *= Math.SQRT1_2
    ky *= Math.SQRT1_2
  }
  let sx = s.stickX
  let sy = s.stickY
  const sl = Math.hypot(sx, sy)
  if (sl > 1) {
    sx /= sl
    sy /= sl
  }
  const keyActive = kx !== 0 || ky !== 0
  if (keyActive && Math.hypot(kx, ky) >= Math.min(1, sl)) {
    s.moveX = kx
    s.moveY = ky
  } else {
    s.moveX = sx
    s.moveY = sy
  }
  s.run = s.keys.run || s.stickRun
}

export interface LookRig {
  yaw: number
  pitch: number
  distance: number
}

/**
 * Turns pixel deltas into orbit angles: dragging right turns the view right, dragging up looks
 * up (inverted when `invert`).
 */
export function applyLook(rig: LookRig, dx: number, dy: number, invert: boolean): void {
  rig.yaw = wrapAngle(rig.yaw - dx * LOOK_SENSITIVITY)
  rig.pitch = clamp(rig.pitch + (invert ? -dy : dy) * LOOK_SENSITIVITY, MIN_PITCH, MAX_PITCH)
}

/** Zooms multiplicatively so each wheel notch feels the same near and far. */
export function applyZoom(rig: LookRig, steps: number): void {
  rig.distance = clamp(rig.distance * Math.exp(steps * 0.12), MIN_DISTANCE, MAX_DISTANCE)
}

/** Wheel deltas come in pixels, lines or pages; about 100 px is one notch. */
export function wheelSteps(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY
  return clamp(px / 100, -3, 3)
}

export type KeyAction = 'forward' | 'back' | 'left' | 'right' | 'run' | 'jump' | 'view'

/** Physical key codes (layout independent) to actions. */
export function keyAction(code: string): KeyAction | null {
  switch (code) {
    case 'KeyW':
    case 'ArrowUp':
      return 'forward'
    case 'KeyS':
    case 'ArrowDown':
      return 'back'
    case 'KeyA':
    case 'ArrowLeft':
      return 'left'
    case 'KeyD':
    case 'ArrowRight':
      return 'right'
    case 'ShiftLeft':
    case 'ShiftRight':
      return 'run'
    case 'Space':
      return 'jump'
    case 'KeyV':
      return 'view'
    default:
      return null
  }
}

/** The little of a DOM element that focus checks need (so they run in Node tests too). */
export interface FocusLike {
  tagName: string
  isContentEditable?: boolean
  getAttribute(name: string): string | null
  closest?(selector: string): unknown
}

const TEXT_ROLES = new Set([
  'textbox',
  'searchbox',
  'combobox',
  'spinbutton',
  'slider',
  'listbox',
  'option',
  'radio',
  'radiogroup',
  'tab',
  'menu',
  'menuitem',
  'menuitemradio',
  'menuitemcheckbox',
  'scrollbar',
  'tree',
  'treeitem',
  'grid',
])
const PRESS_ROLES = new Set(['button', 'link', 'checkbox', 'switch'])
const PRESS_INPUT_TYPES = new Set(['button', 'submit', 'reset', 'checkbox', 'image'])

/**
 * Whether the focused element owns this key. Text fields and widgets that use arrows own every
 * key; buttons and links own Space and Enter (their activation keys) but let WASD through.
 * Anything inside a modal dialog owns every key.
 */
export function focusOwnsKey(el: FocusLike | null, code: string): boolean {
  if (!el) return false
  // Modal dialogs own the keyboard; a non-modal card only owns what its focused control uses.
  if (el.closest?.('dialog[open], [role="alertdialog"], [aria-modal="true"]')) return true
  const tag = el.tagName.toUpperCase()
  const role = el.getAttribute('role')
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true
  if (role && TEXT_ROLES.has(role)) return true
  const activation = code === 'Space' || code === 'Enter' || code === 'NumpadEnter'
  if (tag === 'INPUT') {
    const type = (el.getAttribute('type') ?? 'text').toLowerCase()
    return PRESS_INPUT_TYPES.has(type) ? activation : true
  }
  if (tag === 'BUTTON' || tag === 'SUMMARY' || (tag === 'A' && el.getAttribute('href') != null))
    return activation
  if (role && PRESS_ROLES.has(role)) return activation
  return false
}
