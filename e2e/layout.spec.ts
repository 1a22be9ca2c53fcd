// The start page and every world at five widths, from a 320 px phone to a 1920 px desktop:
// screenshots kept as artifacts (look at them), and what a person would notice checked on each:
// every control on screen whole, no control on another, in-world labels under the HUD, the
// world's title readable, axe clean. Phones and the tablet get a touch screen (pointer: coarse),
// as the HUD lays itself out for touch there.
import fs from 'node:fs'
import path from 'node:path'
import type { CDPSession, Page } from '@playwright/test'
import { expect, test } from './test'
import { checkA11y } from './a11y'
import { newSettingsPage, waitForFrames, waitForWorld, watchErrors } from './helpers'
import { sceneIds } from '../scripts/vite-plugin-scenes'

const SIZES = [
  { width: 320, height: 640, touch: true },
  { width: 390, height: 844, touch: true },
  { width: 768, height: 1024, touch: true },
  { width: 1280, height: 720, touch: false },
  { width: 1920, height: 1080, touch: false },
] as const

interface Problem {
  kind: string
  what: string
}

/**
 * What is wrong with the page's layout as it stands: controls cut off by the window's edge,
 * controls overlapping each other, in-world labels drawn over a control, a title squeezed
 * below a readable width. Controls in a scrolling panel may lie outside it (they scroll in).
 */
function layoutProblems(page: Page): Promise<Problem[]> {
  return page.evaluate(() => {
    const problems: { kind: string; what: string }[] = []
    const canvasBox = document.querySelector('canvas')?.parentElement ?? null
    const name = (el: Element) => {
      const label =
        el.getAttribute('data-testid') ??
        el.getAttribute('aria-label') ??
        (el.textContent ?? '').trim().slice(0, 30)
      return `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} "${label}"`
    }
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect()
      if (r.width < 2 || r.height < 2) return false
      for (let e: Element | null = el; e; e = e.parentElement) {
        const s = getComputedStyle(e)
        if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0)
          return false
        if (s.clipPath.startsWith('inset(50%')) return false
      }
      return true
    }
    const scrolls = (el: Element) => {
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        const s = getComputedStyle(e)
        if (/(auto|scroll)/.test(s.overflowY + s.overflowX)) return true
      }
      return false
    }
    const controls = [
      ...document.querySelectorAll(
        'button, a[href], input, select, textarea, [role="button"], [role="radio"], [tabindex="0"]',
      ),
    ].filter((el) => shown(el) && !(canvasBox && canvasBox.contains(el)))
    const W = innerWidth
    const H = innerHeight
    for (const el of controls) {
      const r = el.getBoundingClientRect()
      if (scrolls(el)) continue
      if (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1)
        problems.push({
          kind: 'cut off',
          what: `${name(el)} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} in ${W}×${H}`,
        })
    }
    const overlap = (a: DOMRect, b: DOMRect) =>
      Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
      Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top))
    for (let i = 0; i < controls.length; i++) {
      for (let j = i + 1; j < controls.length; j++) {
        const a = controls[i]!
        const b = controls[j]!
        if (a.contains(b) || b.contains(a)) continue
        // A control under an open dialog's backdrop is out of reach on purpose.
        const top = (el: Element) => {
          const r = el.getBoundingClientRect()
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
          return hit !== null && (el === hit || el.contains(hit) || hit.contains(el))
        }
        if (overlap(a.getBoundingClientRect(), b.getBoundingClientRect()) > 4 && top(a) && top(b))
          problems.push({ kind: 'overlap', what: `${name(a)} and ${name(b)}` })
      }
    }
    // In-world labels (drei's Html: siblings of the canvas) must lie under every HUD control.
    // They take no pointer events, which elementFromPoint skips: let them, for this look.
    if (canvasBox) {
      const probe = document.createElement('style')
      probe.textContent = 'canvas ~ div, canvas ~ div * { pointer-events: auto !important }'
      document.head.append(probe)
      const labels = [...canvasBox.querySelectorAll('canvas ~ div *')].filter(
        (el) => shown(el) && (el.textContent ?? '').trim() !== '' && el.children.length === 0,
      )
      for (const label of labels) {
        const lr = label.getBoundingClientRect()
        for (const el of controls) {
          const cr = el.getBoundingClientRect()
          if (overlap(lr, cr) <= 4) continue
          const x = (Math.max(lr.left, cr.left) + Math.min(lr.right, cr.right)) / 2
          const y = (Math.max(lr.top, cr.top) + Math.min(lr.bottom, cr.bottom)) / 2
          const hit = document.elementFromPoint(x, y)
          if (hit && label.contains(hit))
            problems.push({ kind: 'label over control', what: `${name(label)} over ${name(el)}` })
        }
      }
      probe.remove()
    }
    const title = document.querySelector('[data-testid="world-title"]')
    if (title && shown(title)) {
      const r = title.getBoundingClientRect()
      if (r.width < 64)
        problems.push({ kind: 'squeezed', what: `world title ${Math.round(r.width)} px wide` })
    }
    return problems
  })
}

async function shoot(page: Page, name: string) {
  const file = path.join('test-results', 'screenshots', `layout-${name}.png`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  await page.screenshot({ path: file })
}

/** Resizes the page and turns the touch screen on or off (the `pointer` media feature follows). */
const sessions = new WeakMap<Page, CDPSession>()

async function resize(page: Page, size: (typeof SIZES)[number]) {
  // Touch first: the viewport change that follows makes the page evaluate its media again. The
  // session stays open: emulation set through a session ends with it.
  let cdp = sessions.get(page)
  if (!cdp) sessions.set(page, (cdp = await page.context().newCDPSession(page)))
  await cdp.send(
    'Emulation.setTouchEmulationEnabled',
    size.touch ? { enabled: true, maxTouchPoints: 5 } : { enabled: false },
  )
  await page.setViewportSize({ width: size.width, height: size.height })
  await page.waitForFunction(
    (touch) => matchMedia('(pointer: coarse)').matches === touch,
    size.touch,
    { timeout: 10_000 },
  )
}

async function checkSizes(page: Page, id: string, frames: number) {
  const found: string[] = []
  for (const size of SIZES) {
    await resize(page, size)
    await waitForFrames(page, frames)
    await shoot(page, `${id}-${size.width}`)
    for (const p of await layoutProblems(page)) found.push(`${size.width} px: ${p.kind}: ${p.what}`)
    await checkA11y(page, `${id} at ${size.width} px`)
  }
  expect(found, found.join('\n')).toEqual([])
}

/**
 * Text follows the browser's font size (set to 24 px, as a person does in the browser's
 * settings): the probed texts grow by half, and the page still fits at a desktop and a phone
 * width.
 */
async function checkLargeText(page: Page, id: string, probes: string[]) {
  const sizes = () =>
    page.evaluate(
      (sels) =>
        sels.map((sel) => {
          const el = document.querySelector(sel)
          return el ? parseFloat(getComputedStyle(el).fontSize) : 0
        }),
      probes,
    )
  await resize(page, SIZES[3])
  const before = await sizes()
  const cdp = sessions.get(page)!
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 24 } })
  try {
    const after = await sizes()
    probes.forEach((sel, i) => {
      expect(before[i], `${sel} is on the page`).toBeGreaterThan(0)
      expect(after[i]! / before[i]!, `${sel}: ${before[i]} px → ${after[i]} px`).toBeCloseTo(1.5, 1)
    })
    const found: string[] = []
    for (const size of [SIZES[3], SIZES[1]]) {
      await resize(page, size)
      await waitForFrames(page, 1)
      await shoot(page, `${id}-${size.width}-text24`)
      for (const p of await layoutProblems(page))
        found.push(`${size.width} px, 24 px text: ${p.kind}: ${p.what}`)
    }
    expect(found, found.join('\n')).toEqual([])
  } finally {
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16 } })
  }
}

test('the start page fits every width from 320 px up', async ({ browser }) => {
  const page = await newSettingsPage(
    browser,
    { width: 1280, height: 720 },
    { language: 'en', quality: 'low', reducedMotion: true },
  )
  const errors = watchErrors(page)
  await page.goto('/')
  await expect(page.locator('.world-card')).toHaveCount(sceneIds().length)
  await checkSizes(page, 'start', 1)
  await checkLargeText(page, 'start', ['.directory .tagline', '.world-card .name', '.world-card p'])
  expect(errors).toEqual([])
  await page.context().close()
})

for (const id of sceneIds()) {
  test(`${id} fits every width from 320 px up`, async ({ browser }) => {
    const page = await newSettingsPage(
      browser,
      { width: 1280, height: 720 },
      { language: 'en', quality: 'low', reducedMotion: true },
    )
    const errors = watchErrors(page)
    await page.goto(`/?world=${id}`)
    await waitForWorld(page, id)
    await waitForFrames(page, 3)
    await checkSizes(page, id, 1)
    // The HUD is the same in every world: its text is checked in one.
    if (id === 'block-park-village')
      await checkLargeText(page, id, [
        '[data-testid="world-title"]',
        '.hud-top .btn',
        '.chat input',
      ])
    expect(errors).toEqual([])
    await page.context().close()
  })
}
