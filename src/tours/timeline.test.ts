// Staged scenes: the timeline is a function of scene time alone (two pages that started watching
// at different moments, drawing at different rates, show the same pose at the same clock time),
// walks, gestures and lines in time; and the tour format's checks name the field.
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseScene, SceneError, StagedScene, type SceneInput } from '../protocol/scene'
import { compileScene, poseAt, sceneTime } from './timeline'

const text = (en: string) => ({ 'zh-CN': `「${en}」`, en })

const SCENE = StagedScene.parse({
  actors: [
    { id: 'poet', name: text('Poet'), costume: { color: '#3b5f8a' }, position: [0, 0, 0] },
    { id: 'friend', name: text('Friend'), costume: { color: '#8a3b2e' }, position: [4, 0, 0] },
  ],
  cues: [
    { at: 0, actor: 'poet', gesture: 'wave', for: 3 },
    { at: 1, actor: 'friend', say: text('Must you go?'), for: 4 },
    // 10 m north at 2 m/s: 2 s to 7 s; the next walk waits for it (from 7 s, not 5 s).
    { at: 2, actor: 'poet', walk: [[0, 0, -10]], speed: 2 },
    { at: 5, actor: 'poet', walk: [[5, 0, -10]], speed: 1, say: text('Farewell'), for: 2 },
    { at: 6, actor: 'poet', gesture: 'cheer', for: 10 },
  ],
  loop: 20,
})

describe('staged scene timelines', () => {
  const timeline = compileScene(SCENE)
  const [poet, friend] = timeline.actors as [
    (typeof timeline.actors)[0],
    (typeof timeline.actors)[0],
  ]

  it('show the same pose at the same clock time to pages that joined at different moments', () => {
    const startedAt = 1_000 // the scene's start on the shared clock, seconds
    // Page A watched from the start and drew 60 frames a second; page B arrived 9 s late and
    // draws twice a second. Whatever they drew before, at each clock time they agree.
    const sampledA = new Map<number, ReturnType<typeof poseAt>>()
    for (let f = 0; f <= 60 * 15; f++) {
      const clock = startedAt + f / 60
      if (f % 30 === 0) sampledA.set(f / 30, poseAt(poet, sceneTime(timeline, startedAt, clock)))
    }
    for (let half = 18; half <= 30; half++) {
      const clock = startedAt + half / 2
      const b = poseAt(poet, sceneTime(timeline, startedAt, clock))
      expect(b).toEqual(sampledA.get(half))
    }
  })

  it('walks legs in order at their speed, facing the way they go', () => {
    expect(poseAt(poet, 1.9)).toMatchObject({ x: 0, z: 0, walking: false, gesture: 'wave' })
    const mid = poseAt(poet, 4.5)
    expect(mid.walking).toBe(true)
    expect(mid.speed).toBe(2)
    expect(mid.z).toBeCloseTo(-5)
    expect(mid.heading).toBeCloseTo(0) // north is −z: heading 0
    // The second walk starts when the first ends (7 s), not at its cue (5 s).
    expect(poseAt(poet, 7)).toMatchObject({ x: 0, z: -10 })
    const east = poseAt(poet, 9.5)
    expect(east.x).toBeCloseTo(2.5)
    expect(east.heading).toBeCloseTo(-Math.PI / 2)
    expect(poseAt(poet, 13)).toMatchObject({ x: 5, z: -10, walking: false })
  })

  it('plays a gesture standing (a walk ends it) and holds a line for its time', () => {
    expect(poseAt(poet, 6.5).gesture).toBeNull() // walking
    expect(poseAt(poet, 12.5)).toMatchObject({ gesture: 'cheer', gestureAt: 6 })
    expect(poseAt(friend, 0.5).line).toBeNull()
    expect(poseAt(friend, 1).line?.en).toBe('Must you go?')
    expect(poseAt(friend, 4.9).line?.en).toBe('Must you go?')
    expect(poseAt(friend, 5).line).toBeNull()
    expect(poseAt(poet, 6).line?.en).toBe('Farewell')
  })

  it('starts over after its loop, and never runs before its start', () => {
    expect(sceneTime(timeline, 100, 99)).toBe(0)
    expect(sceneTime(timeline, 100, 125)).toBe(5)
    expect(poseAt(poet, sceneTime(timeline, 0, 20.5))).toEqual(poseAt(poet, 0.5))
    const once = compileScene({ ...SCENE, loop: undefined })
    expect(sceneTime(once, 0, 500)).toBe(500)
    expect(poseAt(once.actors[0]!, 500)).toMatchObject({ x: 5, z: -10, gesture: null })
    expect(once.length).toBe(16)
  })
})

describe('the tour format', () => {
  const village = JSON.parse(
    fs.readFileSync('scenes/block-park-village.json', 'utf8'),
  ) as SceneInput
  const stop = (id: string, extra: object = {}) => ({
    id,
    title: text(id),
    narration: text(`About ${id}`),
    position: [10, 5, 10],
    ...extra,
  })
  const fields = (tours: unknown): string[] => {
    try {
      parseScene({ ...village, tours }, 'village.json')
      return []
    } catch (err) {
      expect(err).toBeInstanceOf(SceneError)
      return (err as SceneError).issues.map((i) => `${i.field}: ${i.message}`)
    }
  }

  it('takes a tour with stops, lights and a staged scene', () => {
    const poi = village.pois![0]!.id
    expect(
      fields([
        {
          id: 't',
          title: text('T'),
          summary: text('S'),
          stops: [stop('a', { lights: [poi], scene: SCENE }), stop('b')],
        },
      ]),
    ).toEqual([])
  })

  it('names the field of every mistake', () => {
    const bad = {
      id: 't',
      title: text('T'),
      summary: text('S'),
      stops: [
        stop('a', { lights: ['nowhere'] }),
        stop('a', {
          scene: {
            ...SCENE,
            cues: [
              { at: 1, actor: 'ghost', gesture: 'wave' },
              { at: 25, actor: 'poet', gesture: 'wave' },
              { at: 2, actor: 'poet' },
            ],
          },
        }),
      ],
    }
    expect(fields([bad, bad])).toEqual(
      expect.arrayContaining([
        'tours[0].stops[1].scene.cues[2]: a cue walks, makes a gesture or says a line',
      ]),
    )
    const checked = fields([bad, { ...bad, stops: [bad.stops[0]!, stop('b')] }])
    expect(checked).toEqual(
      expect.arrayContaining([
        'tours[1].id: duplicate tour "t"',
        'tours[0].stops[1].id: duplicate stop "a"',
        'tours[0].stops[0].lights[0]: no point of interest, portal or space "nowhere"',
        'tours[0].stops[1].scene.cues[0].actor: no actor "ghost"',
        'tours[0].stops[1].scene.cues[1].at: a cue starts before the loop (20 s)',
      ]),
    )
    expect(fields([{ ...bad, stops: [stop('only')] }])).toEqual([
      'tours[0].stops: Too small: expected array to have >=2 items',
    ])
  })
})
