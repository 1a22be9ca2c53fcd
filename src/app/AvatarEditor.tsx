// The avatar editor (a lazy chunk): body, height, skin, hair, clothes (hanfu, tangzhuang and qipao
// among them), colours and an accessory, previewed live on the figure in the style of the world
// the visitor is in. Save keeps the look in this browser, shows it to everyone in the room, and
// keeps it for the visitor's address when signed in (server/avatars/looks.ts).
import { useMemo, useState, type ReactNode } from 'react'
import { Canvas, useFrame } from '@react-three/fiber'
import './avatarStrings'
import { Avatar } from '../avatar/Avatar'
import {
  ACCESSORIES,
  BODY_SHAPES,
  HAIR_STYLES,
  HEIGHT_MAX,
  HEIGHT_MIN,
  OUTFITS,
  SKIN_TONES,
  defaultLook,
  type AvatarLook,
} from '../protocol/avatar'
import { createMotion } from '../state/player'
import { useNet } from '../state/net'
import { useSettings } from '../state/settings'
import { useUi } from '../state/ui'
import { useWorld } from '../state/world'
import { wearLook } from '../net/current'
import { uploadVrm } from '../avatar/vrmUpload'
import { useWallet } from '../wallet/store'
import { useT } from '../i18n'
import { Dialog } from './Dialog'

/** Clothes and hair colours offered: ink, reds, golds, greens and blues of Chinese painting. */
const CLOTH = [
  '#c0392b',
  '#e4572e',
  '#f3a712',
  '#a8c686',
  '#2e8b57',
  '#669bbc',
  '#29335c',
  '#3b4a66',
  '#8e44ad',
  '#f5f0e6',
  '#2a2a30',
]
const HAIR = ['#1b1512', '#2b211c', '#5a3a22', '#8a5a2b', '#c9a36b', '#9aa0a6']

function Swatches({
  label,
  colours,
  value,
  onPick,
  testId,
}: {
  label: string
  colours: readonly string[]
  value: string
  onPick: (c: string) => void
  testId: string
}) {
  return (
    <div className="field">
      <span>{label}</span>
      <div className="swatches wrap" role="radiogroup" aria-label={label} data-testid={testId}>
        {colours.map((c) => (
          <button
            key={c}
            className="swatch"
            role="radio"
            aria-checked={value === c}
            aria-label={c}
            style={{ background: c }}
            onClick={() => onPick(c)}
          />
        ))}
      </div>
    </div>
  )
}

function Choice<T extends string>({
  label,
  options,
  value,
  onPick,
  name,
}: {
  label: string
  options: readonly T[]
  value: T
  onPick: (v: T) => void
  name: string
}) {
  const t = useT()
  return (
    <label className="field">
      {label}
      <select
        value={value}
        data-testid={`avatar-${name}`}
        onChange={(e) => onPick(e.target.value as T)}
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {t(`avatar.${name}.${o}`)}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The figure turning slowly on the spot (still with reduced motion), waving on request. */
function Preview({
  look,
  style,
  waveAt,
}: {
  look: AvatarLook
  style: 'voxel' | 'hd'
  waveAt: number
}) {
  const motion = useMemo(() => createMotion(0, 0, 0, Math.PI), [])
  motion.emote = waveAt ? 'wave' : null
  motion.emoteAt = waveAt
  useFrame((_, dt) => {
    if (!useSettings.getState().reducedMotion) motion.heading += dt * 0.35
  })
  return (
    <Avatar
      style={style}
      look={look}
      color={look.top}
      motion={motion}
      always
      shadow={false}
      ground={false}
    />
  )
}

function Section({ children }: { children: ReactNode }) {
  return <div className="avatar-section">{children}</div>
}

/**
 * Your own avatar file (VRM): checked here, uploaded as the signed-in visitor, checked again and
 * kept by the server, then worn by its id (never a link elsewhere).
 */
function OwnFile({ look, set }: { look: AvatarLook; set: (p: Partial<AvatarLook>) => void }) {
  const t = useT()
  const token = useWallet((s) => s.session?.token)
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({
    busy: false,
    error: null,
  })
  const pick = async (file: File | undefined) => {
    if (!file || !token) return
    setState({ busy: true, error: null })
    const r = await uploadVrm(file, token)
    if ('id' in r) {
      set({ vrm: r.id })
      setState({ busy: false, error: null })
    } else {
      setState({ busy: false, error: r.error })
    }
  }
  return (
    <Section>
      <label className="field">
        {t('avatar.vrm')}
        <input
          type="file"
          accept=".vrm,model/gltf-binary"
          disabled={!token || state.busy}
          data-testid="avatar-vrm"
          onChange={(e) => void pick(e.target.files?.[0])}
        />
      </label>
      {look.vrm && (
        <div className="field">
          <span data-testid="avatar-vrm-worn">{t('avatar.vrm.worn')}</span>
          <button className="btn" onClick={() => set({ vrm: undefined })}>
            {t('avatar.vrm.remove')}
          </button>
        </div>
      )}
      <p className="hint" role="status" data-testid="avatar-vrm-status">
        {!token
          ? t('avatar.vrm.signIn')
          : state.busy
            ? t('avatar.vrm.uploading')
            : state.error
              ? `${t('avatar.vrm.refused')} ${state.error}`
              : ''}
      </p>
    </Section>
  )
}

export default function AvatarEditor() {
  const t = useT()
  const saved = useSettings((s) => s.avatarLook)
  const colour = useSettings((s) => s.avatarColor)
  const signedIn = useNet((s) => s.address !== null)
  const style = useWorld((s) => s.scene?.style ?? 'hd')
  const [look, setLook] = useState<AvatarLook>(() => saved ?? defaultLook(colour))
  const [waveAt, setWaveAt] = useState(0)
  const close = () => useUi.getState().closePanel('avatar')
  const set = (patch: Partial<AvatarLook>) => setLook((l) => ({ ...l, ...patch }))
  const save = () => {
    wearLook(look)
    close()
  }
  return (
    <Dialog
      title={t('avatar.title')}
      onClose={close}
      closeLabel={t('avatar.cancel')}
      className="avatar-editor"
      testId="avatar-editor"
    >
      <div className="avatar-layout">
        <div className="avatar-preview" data-testid="avatar-preview">
          <div role="img" aria-label={t('avatar.preview')}>
            <Canvas
              dpr={1}
              style={{ width: 240, height: 300 }}
              camera={{ position: [0, 1.1, 3.7], fov: 35 }}
              gl={{ antialias: true, preserveDrawingBuffer: true }}
              onCreated={({ camera }) => camera.lookAt(0, 0.95, 0)}
            >
              <hemisphereLight args={['#f4efe6', '#5b5246', 1.3]} />
              <directionalLight position={[2, 4, 3]} intensity={2.2} />
              <Preview look={look} style={style} waveAt={waveAt} />
            </Canvas>
          </div>
          <button className="btn" onClick={() => setWaveAt(performance.now())}>
            {t('avatar.wave')}
          </button>
        </div>
        <div className="avatar-fields">
          <Section>
            <Choice
              label={t('avatar.body')}
              name="body"
              options={BODY_SHAPES}
              value={look.body}
              onPick={(body) => set({ body })}
            />
            <label className="field">
              {t('avatar.height')}
              <input
                type="range"
                min={HEIGHT_MIN}
                max={HEIGHT_MAX}
                step={0.02}
                value={look.height}
                data-testid="avatar-height"
                onChange={(e) => set({ height: Number(e.target.value) })}
              />
            </label>
            <Swatches
              label={t('avatar.skin')}
              colours={SKIN_TONES}
              value={SKIN_TONES[look.skin]!}
              onPick={(c) => set({ skin: SKIN_TONES.indexOf(c as (typeof SKIN_TONES)[number]) })}
              testId="avatar-skin"
            />
          </Section>
          <Section>
            <Choice
              label={t('avatar.hair')}
              name="hair"
              options={HAIR_STYLES}
              value={look.hair}
              onPick={(hair) => set({ hair })}
            />
            <Swatches
              label={t('avatar.hairColor')}
              colours={HAIR}
              value={look.hairColor}
              onPick={(hairColor) => set({ hairColor })}
              testId="avatar-hair-colour"
            />
          </Section>
          <Section>
            <Choice
              label={t('avatar.outfit')}
              name="outfit"
              options={OUTFITS}
              value={look.outfit}
              onPick={(outfit) => set({ outfit })}
            />
            <Swatches
              label={t('avatar.top')}
              colours={CLOTH}
              value={look.top}
              onPick={(top) => set({ top })}
              testId="avatar-top"
            />
            <Swatches
              label={t('avatar.bottom')}
              colours={CLOTH}
              value={look.bottom}
              onPick={(bottom) => set({ bottom })}
              testId="avatar-bottom"
            />
            <Choice
              label={t('avatar.accessory')}
              name="accessory"
              options={ACCESSORIES}
              value={look.accessory}
              onPick={(accessory) => set({ accessory })}
            />
          </Section>
          <OwnFile look={look} set={set} />
          <p className="hint">{signedIn ? t('avatar.kept') : t('avatar.local')}</p>
        </div>
      </div>
      <div className="actions">
        <button className="btn" onClick={() => setLook(defaultLook(colour))}>
          {t('avatar.reset')}
        </button>
        <button className="btn" onClick={close}>
          {t('avatar.cancel')}
        </button>
        <button className="btn primary" onClick={save} data-testid="avatar-save">
          {t('avatar.save')}
        </button>
      </div>
    </Dialog>
  )
}
