// Where a builder's stage puts its screen and its audience, for each way the audience may look.
import { describe, expect, it } from 'vitest'
import { stageLayout } from './room'

describe('stageLayout', () => {
  const area = [10, 20, 26, 30] as const // 16 along x, 10 along z
  it.each([
    // facing (radians; 0 looks to -z), screen centre and turn, audience spot and heading
    [0, [18, 20.1], 0, [18, 34], 0],
    [Math.PI / 2, [10.1, 25], Math.PI / 2, [30, 25], Math.PI / 2],
    [Math.PI, [18, 29.9], Math.PI, [18, 16], Math.PI],
    [-Math.PI / 2, [25.9, 25], -Math.PI / 2, [6, 25], -Math.PI / 2],
    [0.3, [18, 20.1], 0, [18, 34], 0], // snapped to the nearest quarter turn
  ])('facing %f: the screen at the far side, the audience in front', (facing, s, rotY, a, h) => {
    const { screen, audience } = stageLayout(area, 5, facing)
    expect([screen.position[0], screen.position[2]].map((v) => Math.round(v * 10) / 10)).toEqual(s)
    expect(screen.rotY).toBeCloseTo(rotY)
    expect([audience.position[0], audience.position[2]]).toEqual(a)
    expect(audience.heading).toBeCloseTo(h)
    // The screen is as wide as its side allows (at most 16), 16:9, standing on the floor.
    const side = rotY === 0 || Math.abs(rotY) === Math.PI ? 16 : 10
    expect(screen.width).toBe(Math.min(16, side - 1))
    expect(screen.position[1] - screen.height / 2).toBeCloseTo(6)
  })
})
