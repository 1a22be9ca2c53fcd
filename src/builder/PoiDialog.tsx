// A new point of interest, where the builder clicked with the point tool: its kind, a title and
// a text in Chinese and in English (the room cleans them like chat), and a picture if the builder
// picks one (uploaded first; the server checks it). Sent to the room, which shows it to everyone
// and saves it with the world.
import { useState } from 'react'
import { Dialog } from '../app/Dialog'
import { useT } from '../i18n'
import { ApiError } from '../net/api'
import { useWallet } from '../wallet/store'
import { builderApi } from './api'
import { current } from './current'
import { TextField } from './Field'
import { useBuilder } from './store'

/** Largest picture the server keeps (server/builder/picture.ts). */
const MAX_PICTURE_BYTES = 1024 * 1024

const KINDS = ['landmark', 'scenic', 'village', 'viewpoint'] as const

export function PoiDialog({ at }: { at: [number, number, number] }) {
  const t = useT()
  const [kind, setKind] = useState<(typeof KINDS)[number]>('landmark')
  const [text, setText] = useState({ titleZh: '', titleEn: '', bodyZh: '', bodyEn: '' })
  const [file, setFile] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const close = () => useBuilder.getState().setPoiDraft(null)
  const submit = async () => {
    const card = useBuilder.getState().card
    const token = useWallet.getState().session?.token
    let picture: string | undefined
    if (file) {
      if (!card || !token) return setProblem(t('builder.poi.signIn'))
      if (file.size > MAX_PICTURE_BYTES) return setProblem(t('builder.poi.tooBig'))
      setBusy(true)
      setProblem(null)
      try {
        picture = (await builderApi.uploadPicture(card.worldId, file, token)).pictureId
      } catch (e) {
        setBusy(false)
        return setProblem(e instanceof ApiError ? e.message : String(e))
      }
    }
    const sent = current.session?.send('build.poi', {
      action: 'set',
      kind,
      title: { 'zh-CN': text.titleZh, en: text.titleEn },
      body: { 'zh-CN': text.bodyZh, en: text.bodyEn },
      position: at,
      ...(picture && { picture }),
    })
    if (!sent) useBuilder.getState().setProblem('not connected: the point was not added')
    close()
  }
  const field = (key: keyof typeof text, label: string, max: number, lines = 1) => (
    <TextField
      label={label}
      value={text[key]}
      maxLength={max}
      lines={lines}
      onChange={(v) => setText({ ...text, [key]: v })}
    />
  )
  return (
    <Dialog
      title={t('builder.poi.title')}
      onClose={close}
      closeLabel={t('builder.close')}
      className="builder-settings"
      testId="builder-poi-dialog"
    >
      <form
        className="builder-poi"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label className="builder-field">
          <span>{t('builder.poi.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`builder.poi.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {field('titleZh', t('builder.poi.nameZh'), 40)}
        {field('titleEn', t('builder.poi.nameEn'), 40)}
        {field('bodyZh', t('builder.poi.bodyZh'), 160, 2)}
        {field('bodyEn', t('builder.poi.bodyEn'), 160, 2)}
        <label className="builder-field">
          <span>{t('builder.poi.picture')}</span>
          <input
            type="file"
            accept="image/png,image/jpeg"
            data-testid="builder-poi-picture"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        {problem && (
          <p role="alert" className="builder-problem">
            {problem}
          </p>
        )}
        <button className="btn primary" disabled={busy} data-testid="builder-poi-add">
          {t('builder.poi.add')}
        </button>
      </form>
    </Dialog>
  )
}
