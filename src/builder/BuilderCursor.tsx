// The builder's hand in the canvas, while build mode is on: a wire cube on the block the pointer
// is over (or where a new one would go), and clicks that build instead of walking: the current
// tool's edit goes to the room (src/builder/tools.ts), which applies it for everyone. Keyboard:
// Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo, R turns a piece, Escape drops a half-made box.
import { useEffect, useMemo, useRef } from 'react'
import { useThree } from '@react-three/fiber'
import {
  BoxGeometry,
  EdgesGeometry,
  LineBasicMaterial,
  LineSegments,
  Raycaster,
  Vector2,
} from 'three'
import { setClickTool } from '../avatar/input'
import { useLiveVoxels } from '../world/voxel/live'
import { useWorld } from '../state/world'
import { cameraRig } from '../state/player'
import { current } from './current'
import { raycastVoxels, type VoxelHit } from './raycast'
import { useBuilder } from './store'
import { clipSize, pieceCorner, pieceSize, toolAction } from './tools'

const raycaster = new Raycaster()
const ndc = new Vector2()

/** Sends an undo or redo; false when no builder room is joined. */
export function undo(redo = false): boolean {
  return current.session?.send(redo ? 'build.redo' : 'build.undo', {}) ?? false
}

export function BuilderCursor() {
  const building = useBuilder((s) => s.building)
  const gl = useThree((s) => s.gl)
  const get = useThree((s) => s.get)
  const cursor = useMemo(() => {
    const lines = new LineSegments(
      new EdgesGeometry(new BoxGeometry(1.04, 1.04, 1.04)),
      new LineBasicMaterial({ color: '#ffffff', depthTest: false, transparent: true }),
    )
    lines.renderOrder = 10
    lines.visible = false
    lines.raycast = () => {}
    return lines
  }, [])
  const corner = useRef<LineSegments>(null)
  const boxCorner = useBuilder((s) => s.corner)

  useEffect(
    () => () => {
      cursor.geometry.dispose()
      ;(cursor.material as LineBasicMaterial).dispose()
    },
    [cursor],
  )

  useEffect(() => {
    if (!building) {
      cursor.visible = false
      return
    }
    const canvas = gl.domElement
    const ray = (clientX: number, clientY: number): VoxelHit | null => {
      const live = useLiveVoxels.getState().live
      const rect = canvas.getBoundingClientRect()
      if (!live || rect.width === 0) return null
      ndc.set(
        ((clientX - rect.left) / rect.width) * 2 - 1,
        -((clientY - rect.top) / rect.height) * 2 + 1,
      )
      raycaster.setFromCamera(ndc, get().camera)
      const { origin, direction } = raycaster.ray
      return raycastVoxels(
        live.grid,
        [origin.x, origin.y, origin.z],
        [direction.x, direction.y, direction.z],
      )
    }
    const prefabs = () => useWorld.getState().scene?.voxel?.prefabs ?? {}
    let last: VoxelHit | null = null
    const show = (hit: VoxelHit | null) => {
      last = hit
      const s = useBuilder.getState()
      cursor.visible = hit !== null
      if (!hit) return
      const piece = s.tool === 'prefab' && s.prefab ? prefabs()[s.prefab] : undefined
      const clip = s.tool === 'copy' ? s.clip : null
      if (piece || clip) {
        // The piece's (or the copy's) box, where it would stand.
        const size = piece ? pieceSize(piece, s.rotate) : clipSize(clip!.from, clip!.to, s.rotate)
        const at = piece ? pieceCorner(size, hit.before) : hit.before
        cursor.scale.set(size[0], size[1], size[2])
        cursor.position.set(at[0] + size[0] / 2, at[1] + size[1] / 2, at[2] + size[2] / 2)
        return
      }
      cursor.scale.set(1, 1, 1)
      // Placing tools show where the block goes; the others the block they act on.
      const at = ['place', 'box', 'line', 'plot', 'stage'].includes(s.tool) ? hit.before : hit.cell
      cursor.position.set(at[0] + 0.5, at[1] + 0.5, at[2] + 0.5)
    }
    const onMove = (e: PointerEvent) => show(ray(e.clientX, e.clientY))
    const onMenu = (e: Event) => e.preventDefault()
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return
      const mod = e.ctrlKey || e.metaKey
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault()
        undo(e.shiftKey)
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault()
        undo(true)
      } else if (e.key === 'Escape' && useBuilder.getState().corner) {
        useBuilder.getState().setCorner(null)
      } else if (
        !mod &&
        e.key.toLowerCase() === 'r' &&
        ['prefab', 'copy'].includes(useBuilder.getState().tool)
      ) {
        useBuilder.getState().turn()
        show(last)
      } else if (!mod && e.key.toLowerCase() === 'm' && useBuilder.getState().tool === 'copy') {
        useBuilder.getState().flip()
      } else if (e.key === 'Escape' && useBuilder.getState().clip) {
        useBuilder.getState().setClip(null)
      }
    }
    setClickTool((x, y, button) => {
      const live = useLiveVoxels.getState().live
      const hit = ray(x, y)
      // Building: a click never walks, even on the sky.
      if (!live || !hit) return true
      const s = useBuilder.getState()
      const action = toolAction(s, live.grid, hit, button, prefabs())
      switch (action.kind) {
        case 'edit': {
          const session = current.session
          if (!session?.send('build.edit', { ref: session.nextRef(), edit: action.edit }))
            s.setProblem('not connected to the world: the edit was not sent')
          else s.setProblem(null)
          if (s.tool === 'box') s.setCorner(null)
          break
        }
        case 'prefab': {
          const session = current.session
          const sent = session?.send('build.prefab', {
            ref: session.nextRef(),
            prefab: action.prefab,
            at: action.at,
            rotate: action.rotate,
          })
          s.setProblem(sent ? null : 'not connected to the world: the piece was not placed')
          break
        }
        case 'poi':
          s.setPoiDraft(action.at)
          break
        case 'portal':
          s.setPortalDraft(action.at)
          break
        case 'line': {
          const session = current.session
          const { kind: _kind, ...line } = action
          const sent = session?.send('build.line', { ref: session.nextRef(), ...line })
          s.setProblem(sent ? null : 'not connected to the world: the line was not drawn')
          s.setCorner(null)
          break
        }
        case 'plot':
        case 'stage':
          s.setPlotDraft({ kind: action.kind, from: action.from, to: action.to })
          break
        case 'terrain': {
          const session = current.session
          const sent = session?.send('build.terrain', {
            ref: session.nextRef(),
            op: action.op,
            at: action.at,
            radius: action.radius,
            material: s.material,
          })
          s.setProblem(sent ? null : 'not connected to the world: the ground was not changed')
          break
        }
        case 'clip':
          s.setClip({ from: action.from, to: action.to })
          s.setProblem(null)
          break
        case 'paste': {
          const session = current.session
          const { kind: _kind, ...paste } = action
          const sent = session?.send('build.paste', { ref: session.nextRef(), ...paste })
          s.setProblem(sent ? null : 'not connected to the world: nothing was pasted')
          break
        }
        case 'spawn': {
          // Visitors arrive facing the way the builder looks (heading and yaw: 0 looks to -z).
          const heading = Math.atan2(Math.sin(cameraRig.yaw), Math.cos(cameraRig.yaw))
          const sent = current.session?.send('build.spawn', { position: action.at, heading })
          s.setProblem(sent ? null : 'not connected to the world: the spawn was not moved')
          break
        }
        case 'corner':
          s.setCorner(action.at)
          break
        case 'pick':
          if (action.material > 0) {
            s.setMaterial(action.material)
            s.setTool('place')
          }
          break
        case 'none':
          s.setProblem(action.why)
          break
      }
      show(hit)
      return true
    })
    canvas.addEventListener('pointermove', onMove)
    canvas.addEventListener('contextmenu', onMenu)
    addEventListener('keydown', onKey)
    return () => {
      setClickTool(null)
      cursor.visible = false
      canvas.removeEventListener('pointermove', onMove)
      canvas.removeEventListener('contextmenu', onMenu)
      removeEventListener('keydown', onKey)
    }
  }, [building, gl, get, cursor])

  return (
    <>
      <primitive object={cursor} />
      {building && boxCorner && (
        <lineSegments
          ref={corner}
          position={[boxCorner[0] + 0.5, boxCorner[1] + 0.5, boxCorner[2] + 0.5]}
          geometry={cursor.geometry}
          renderOrder={10}
        >
          <lineBasicMaterial color="#ffd04a" depthTest={false} transparent />
        </lineSegments>
      )}
    </>
  )
}

/** The builder's part of the scene (a lazy chunk of its own). */
export default function BuilderScene() {
  return <BuilderCursor />
}
