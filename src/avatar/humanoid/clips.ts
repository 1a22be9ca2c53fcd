// The figures' animation clips, made in code: idle, walk, run, jump, fall, turn in place, sit and
// every emote. Each is keyframed poses of humanoid bones (skeleton.ts's names, which are VRM's),
// as rotations from the T-pose, so the same clip drives a built figure and a VRM's normalized
// bones (retarget() renames the tracks to that file's nodes).
//
// Signs in model space (faces +z, left hand at +x), Euler order XYZ (applied z, then y, then x):
// an arm is lowered by z (left −, right +) and swung forward by −x; a leg swings forward by −x
// and a knee bends by +x; the spine and head lean forward by +x.
import { AnimationClip, Euler, Quaternion, QuaternionKeyframeTrack } from 'three'
import type { EmoteName } from '../../state/player'
import type { BoneName } from './skeleton'

type Angles = readonly [number, number, number]
/** A pose: some bones' rotations; a bone a pose leaves out keeps the clip's base pose. */
type Pose = Partial<Record<BoneName, Angles>>

export type ClipName = 'idle' | 'walk' | 'run' | 'jump' | 'fall' | 'turn' | 'sit' | EmoteName

/** Arms down at the sides (a relaxed stance, not the T-pose). */
const DOWN = 1.28
// The feet are in every clip (flat, at rest) so the mixer sets them every frame: the feet's fit
// to the ground (feet.ts) turns them after the mixer and must start from the clip's pose.
const BASE: Pose = {
  leftFoot: [0, 0, 0],
  rightFoot: [0, 0, 0],
  leftUpperArm: [0, 0, -DOWN],
  rightUpperArm: [0, 0, DOWN],
  leftLowerArm: [0, -0.12, 0],
  rightLowerArm: [0, 0.12, 0],
}

const e = new Euler()
const q = new Quaternion()

/** A clip through `poses` at `times` (seconds; a looping clip repeats its first pose last). */
function clip(name: ClipName, times: number[], poses: Pose[]): AnimationClip {
  const bones = new Set<BoneName>()
  for (const p of [BASE, ...poses]) for (const b of Object.keys(p)) bones.add(b as BoneName)
  const tracks = [...bones].map((bone) => {
    const values: number[] = []
    for (const p of poses) {
      const a = p[bone] ?? BASE[bone] ?? [0, 0, 0]
      q.setFromEuler(e.set(a[0], a[1], a[2], 'XYZ'))
      values.push(q.x, q.y, q.z, q.w)
    }
    return new QuaternionKeyframeTrack(`${bone}.quaternion`, times, values)
  })
  return new AnimationClip(name, times[times.length - 1], tracks)
}

/** A loop over evenly spaced poses (the first pose closes it). */
function loop(name: ClipName, seconds: number, poses: Pose[]): AnimationClip {
  const all = [...poses, poses[0]!]
  return clip(
    name,
    all.map((_, i) => (i * seconds) / poses.length),
    all,
  )
}

/** A walking or running stride: `a` is the swing, `knee` the bend, `lean` the body's. */
function stride(
  name: 'walk' | 'run',
  seconds: number,
  a: number,
  knee: number,
  lean: number,
  elbow: number,
) {
  const half = (s: 1 | -1): Pose => ({
    // s = 1: left leg forward, right arm forward.
    leftUpperLeg: [-a * s, 0, 0],
    rightUpperLeg: [a * s, 0, 0],
    leftLowerLeg: [s > 0 ? 0.1 : knee * 0.6, 0, 0],
    rightLowerLeg: [s > 0 ? knee * 0.6 : 0.1, 0, 0],
    leftUpperArm: [a * 0.8 * s, 0, -DOWN],
    rightUpperArm: [-a * 0.8 * s, 0, DOWN],
    leftLowerArm: [0, -elbow, 0],
    rightLowerArm: [0, elbow, 0],
    spine: [lean, 0.06 * s, 0],
    head: [-lean * 0.6, -0.05 * s, 0],
  })
  const pass = (s: 1 | -1): Pose => ({
    // Legs passing each other; the back leg's knee bends most.
    leftUpperLeg: [s > 0 ? 0.15 : -0.25, 0, 0],
    rightUpperLeg: [s > 0 ? -0.25 : 0.15, 0, 0],
    leftLowerLeg: [s > 0 ? knee : 0.2, 0, 0],
    rightLowerLeg: [s > 0 ? 0.2 : knee, 0, 0],
    leftUpperArm: [0, 0, -DOWN],
    rightUpperArm: [0, 0, DOWN],
    leftLowerArm: [0, -elbow, 0],
    rightLowerArm: [0, elbow, 0],
    spine: [lean, 0, 0],
    head: [-lean * 0.6, 0, 0],
  })
  return loop(name, seconds, [half(1), pass(1), half(-1), pass(-1)])
}

function build(): Record<ClipName, AnimationClip> {
  return {
    idle: loop('idle', 4, [
      {
        chest: [0, 0, 0],
        leftUpperArm: [0, 0, -DOWN],
        rightUpperArm: [0, 0, DOWN],
        head: [0, 0.06, 0],
      },
      {
        chest: [-0.025, 0, 0],
        leftUpperArm: [0, 0, -DOWN + 0.04],
        rightUpperArm: [0, 0, DOWN - 0.04],
        head: [0.02, 0, 0],
      },
      {
        chest: [0, 0, 0],
        leftUpperArm: [0, 0, -DOWN],
        rightUpperArm: [0, 0, DOWN],
        head: [0, -0.06, 0],
      },
      {
        chest: [-0.025, 0, 0],
        leftUpperArm: [0, 0, -DOWN + 0.04],
        rightUpperArm: [0, 0, DOWN - 0.04],
        head: [0.02, 0, 0],
      },
    ]),
    // Made for 4 m/s and 8 m/s; the animator scales their speed to the figure's.
    walk: stride('walk', 0.62, 0.5, 0.9, 0.05, 0.25),
    run: stride('run', 0.5, 0.85, 1.6, 0.25, 1.3),
    jump: clip(
      'jump',
      [0, 0.25],
      [
        {
          leftUpperArm: [0, 0, 0.9],
          rightUpperArm: [0, 0, -0.9],
          leftUpperLeg: [-0.9, 0, 0],
          leftLowerLeg: [1.3, 0, 0],
          rightUpperLeg: [0.2, 0, 0],
          rightLowerLeg: [0.5, 0, 0],
          spine: [0.08, 0, 0],
        },
        {
          leftUpperArm: [0, 0, 1.1],
          rightUpperArm: [0, 0, -1.1],
          leftUpperLeg: [-0.7, 0, 0],
          leftLowerLeg: [1.1, 0, 0],
          rightUpperLeg: [0.25, 0, 0],
          rightLowerLeg: [0.6, 0, 0],
          spine: [0.05, 0, 0],
        },
      ],
    ),
    fall: loop('fall', 0.6, [
      {
        leftUpperArm: [-0.3, 0, 0.15],
        rightUpperArm: [0.3, 0, -0.15],
        leftUpperLeg: [-0.3, 0, 0.1],
        rightUpperLeg: [0.1, 0, -0.1],
        leftLowerLeg: [0.5, 0, 0],
      },
      {
        leftUpperArm: [0.3, 0, 0.3],
        rightUpperArm: [-0.3, 0, -0.3],
        leftUpperLeg: [0.1, 0, 0.1],
        rightUpperLeg: [-0.3, 0, -0.1],
        rightLowerLeg: [0.5, 0, 0],
      },
    ]),
    // Small steps on the spot while the figure turns.
    turn: loop('turn', 0.7, [
      { leftUpperLeg: [-0.25, 0, 0], leftLowerLeg: [0.5, 0, 0], rightUpperLeg: [0.05, 0, 0] },
      { leftUpperLeg: [0.05, 0, 0], rightUpperLeg: [-0.25, 0, 0], rightLowerLeg: [0.5, 0, 0] },
    ]),
    // Sitting on the ground: knees up, feet in front, hands on the knees (feet.ts lowers the
    // hips onto the ground and plants the feet, as it knows the figure's proportions).
    sit: clip(
      'sit',
      [0, 1],
      [0, 1].map(() => ({
        leftUpperLeg: [-2.1, 0, -0.12],
        rightUpperLeg: [-2.1, 0, 0.12],
        leftLowerLeg: [1.1, 0, 0],
        rightLowerLeg: [1.1, 0, 0],
        leftFoot: [0, 0, 0],
        rightFoot: [0, 0, 0],
        leftUpperArm: [-0.75, -0.25, -1.0],
        rightUpperArm: [-0.75, 0.25, 1.0],
        leftLowerArm: [0, -0.9, 0],
        rightLowerArm: [0, 0.9, 0],
        spine: [0.12, 0, 0],
        head: [0.05, 0, 0],
      })),
    ),
    // The right arm up, the forearm waving side to side.
    wave: loop('wave', 0.8, [
      { rightUpperArm: [0, 0, -1.2], rightLowerArm: [0, 0, -0.45], head: [0, -0.1, 0.05] },
      { rightUpperArm: [0, 0, -1.3], rightLowerArm: [0, 0, 0.35], head: [0, -0.1, 0.05] },
    ]),
    // Arms forward, hands meeting and parting.
    clap: loop('clap', 0.5, [
      {
        leftUpperArm: [0.15, -1.35, -0.25],
        rightUpperArm: [0.15, 1.35, 0.25],
        leftLowerArm: [0, -0.5, 0],
        rightLowerArm: [0, 0.5, 0],
      },
      {
        leftUpperArm: [0.15, -1.62, -0.25],
        rightUpperArm: [0.15, 1.62, 0.25],
        leftLowerArm: [0, -0.35, 0],
        rightLowerArm: [0, 0.35, 0],
      },
    ]),
    // Both arms up, bouncing at the knees.
    cheer: loop('cheer', 0.6, [
      {
        leftUpperArm: [0, 0, 1.15],
        rightUpperArm: [0, 0, -1.15],
        leftLowerLeg: [0.05, 0, 0],
        rightLowerLeg: [0.05, 0, 0],
      },
      {
        leftUpperArm: [0, 0, 1.3],
        rightUpperArm: [0, 0, -1.3],
        leftUpperLeg: [-0.3, 0, 0],
        rightUpperLeg: [-0.3, 0, 0],
        leftLowerLeg: [0.6, 0, 0],
        rightLowerLeg: [0.6, 0, 0],
        spine: [0.15, 0, 0],
      },
    ]),
    // Arms taking turns up, hips swaying, a knee lifting on each beat.
    dance: loop('dance', 1.0, [
      {
        leftUpperArm: [0, 0, 1.0],
        rightUpperArm: [-0.4, 0, DOWN - 0.3],
        hips: [0, 0.15, 0.12],
        leftUpperLeg: [-0.5, 0, 0],
        leftLowerLeg: [0.9, 0, 0],
        head: [0, 0, -0.12],
      },
      {
        leftUpperArm: [-0.4, 0, -DOWN + 0.3],
        rightUpperArm: [0, 0, -1.0],
        hips: [0, -0.15, -0.12],
        rightUpperLeg: [-0.5, 0, 0],
        rightLowerLeg: [0.9, 0, 0],
        head: [0, 0, 0.12],
      },
    ]),
  }
}

let clips: Record<ClipName, AnimationClip> | null = null

/** The clips, made once and shared by every figure's mixer. */
export function getClips(): Record<ClipName, AnimationClip> {
  clips ??= build()
  return clips
}

/**
 * A copy of `source` whose tracks drive `nodeName(bone)` instead (a VRM's normalized bones);
 * tracks of bones the skeleton lacks are dropped.
 */
export function retarget(
  source: AnimationClip,
  nodeName: (bone: BoneName) => string | null,
): AnimationClip {
  const tracks = source.tracks.flatMap((t) => {
    const bone = t.name.slice(0, t.name.indexOf('.')) as BoneName
    const node = nodeName(bone)
    if (!node) return []
    const copy = t.clone()
    copy.name = `${node}.quaternion`
    return [copy]
  })
  return new AnimationClip(source.name, source.duration, tracks)
}

/** Reference speeds of the locomotion clips, m/s. */
export const WALK_CLIP_SPEED = 4
export const RUN_CLIP_SPEED = 8
