import { describe, expect, it } from 'vitest'
import { FRAME } from './frameOrder'

describe('frame order', () => {
  it('runs probe, remotes, VR input, controller, VR view, voice, scene, render in that order', () => {
    const rows = Object.entries(FRAME).sort((a, b) => a[1] - b[1])
    expect(rows.map(([name]) => name)).toEqual([
      'probe',
      'remotes',
      'xrInput',
      'controller',
      'xrView',
      'voice',
      'scene',
      'render',
    ])
  })

  it('leaves rendering to R3F except in the render passes', () => {
    // A positive priority anywhere else would switch R3F's own render off whenever no pass is
    // mounted (the start scene, or HD at low quality): a black canvas.
    for (const [name, priority] of Object.entries(FRAME))
      expect(priority > 0, name).toBe(name === 'render')
  })
})
