import { describe, expect, it } from 'vitest'
import { MAX_CUSTOM_COLOURS, withColour } from './builder'

const style = [
  { id: 'grass', color: '#55aa33', solid: true, liquid: false },
  { id: 'water', color: '#3366cc', solid: false, liquid: true },
]

describe('withColour', () => {
  it('adds a colour after the palette, once, with a lowercase id', () => {
    const grown = withColour(style, '#12AB34')
    expect(grown).toEqual([
      ...style,
      { id: 'c-12ab34', color: '#12ab34', solid: true, liquid: false },
    ])
    if (typeof grown === 'string') throw new Error(grown)
    expect(withColour(grown, '#12ab34')).toBe(grown)
  })

  it('says why when a world has all its own colours, or the palette is full', () => {
    let palette: readonly { id: string; color: string; solid: boolean; liquid: boolean }[] = style
    for (let i = 0; i < MAX_CUSTOM_COLOURS; i++) {
      const next = withColour(palette, `#0000${i.toString(16).padStart(2, '0')}`)
      if (typeof next === 'string') throw new Error(next)
      palette = next
    }
    expect(withColour(palette, '#ffffff')).toMatch(/at most 64 colours/)
    const full = Array.from({ length: 255 }, (_, i) => ({ ...style[0]!, id: `m${i}` }))
    expect(withColour(full, '#ffffff')).toMatch(/palette is full/)
  })
})
