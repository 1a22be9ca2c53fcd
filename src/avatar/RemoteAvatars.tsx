// Everyone else the server sends this visitor: their figures, name tags and speech bubbles. The
// list of who is here changes through React state; where they are changes every frame, sampled
// from the interpolation buffers in src/net/remotes.ts.
import { useMemo, useRef } from 'react'
import { useFrame, useThree } from '@react-three/fiber'
import { FRAME } from '../world/frameOrder'
import { Html } from '@react-three/drei'
import type { Group } from 'three'
import { remotes } from '../net/remotes'
import { useNet, type Person } from '../state/net'
import { localMotion, type Motion } from '../state/player'
import { Avatar } from './Avatar'

/** Tags (names and bubbles) show above the head, and only within this distance, metres. */
const TAG_HEIGHT = 2.25
const TAG_RANGE = 45

export function RemoteAvatars({ style }: { style: 'voxel' | 'hd' }) {
  const visible = useNet((s) => s.visible)
  const people = useNet((s) => s.people)
  const self = useNet((s) => s.sessionId)
  const byId = useMemo(() => new Map(people.map((p) => [p.id, p])), [people])
  // Before the avatars pose themselves (FRAME.remotes): move every remote to where it is now.
  useFrame(() => {
    const now = performance.now()
    for (const r of remotes.values()) r.sample(now)
  }, FRAME.remotes)
  return (
    <>
      {visible.map((id) => {
        const remote = remotes.get(id)
        if (!remote) return null
        return (
          <RemoteFigure
            key={id}
            id={id}
            style={style}
            person={byId.get(id)}
            motion={remote.motion}
          />
        )
      })}
      {self && <Tag id={self} motion={localMotion} name={null} />}
    </>
  )
}

function RemoteFigure({
  id,
  style,
  person,
  motion,
}: {
  id: string
  style: 'voxel' | 'hd'
  person: Person | undefined
  motion: Motion
}) {
  return (
    <>
      <Avatar
        style={style}
        look={person?.look}
        color={person?.color ?? '#8a8f98'}
        motion={motion}
      />
      <Tag id={id} motion={motion} name={person?.name ?? '…'} />
    </>
  )
}

/** A name tag with the speaker's latest chat line above it; `name` null shows only the bubble. */
function Tag({ id, motion, name }: { id: string; motion: Motion; name: string | null }) {
  const bubble = useNet((s) => s.bubbles[id])
  const group = useRef<Group>(null)
  const box = useRef<HTMLDivElement>(null)
  const camera = useThree((s) => s.camera)
  useFrame(() => {
    const g = group.current
    if (!g) return
    g.position.set(motion.x, motion.y + TAG_HEIGHT, motion.z)
    const far = camera.position.distanceTo(g.position) > TAG_RANGE
    if (box.current) box.current.style.display = far ? 'none' : ''
  }, FRAME.scene)
  if (name === null && !bubble) return null
  return (
    <group ref={group}>
      <Html center zIndexRange={[6, 0]} style={{ pointerEvents: 'none' }}>
        <div ref={box} className="avatar-tag" data-testid="avatar-tag" data-session={id}>
          {bubble && <div className="bubble">{bubble.text}</div>}
          {name !== null && <div className="name">{name}</div>}
        </div>
      </Html>
    </group>
  )
}
