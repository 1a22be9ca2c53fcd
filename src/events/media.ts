// Media a host can put on the screen without typing a URL: the demo files this site serves
// under public/assets/video and public/assets/slides. Any other /assets/… path or http(s) URL
// can be typed into the host panel instead.
import type { ScreenMedia } from '../protocol/events'

export interface MediaPreset {
  id: string
  label: string
  media: ScreenMedia
}

export const MEDIA_PRESETS: readonly MediaPreset[] = [
  {
    id: 'stage-video',
    label: 'Cangqiong stage (20 s)',
    media: { kind: 'video', url: '/assets/video/cangqiong-stage.webm' },
  },
  {
    id: 'stage-slides',
    label: 'Cangqiong slides (4)',
    media: {
      kind: 'slides',
      urls: [1, 2, 3, 4].map((n) => `/assets/slides/cangqiong-${n}.png`),
    },
  },
]

/** A short readable name of what the screen shows: the file name, or the slide count. */
export function mediaLabel(m: ScreenMedia): string {
  const preset = MEDIA_PRESETS.find((p) => JSON.stringify(p.media) === JSON.stringify(m))
  if (preset) return preset.label
  if (m.kind === 'slides') return `${m.urls.length} × ${fileName(m.urls[0] ?? '')}`
  return fileName(m.url)
}

function fileName(u: string): string {
  const path = u.split(/[?#]/)[0] ?? u
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || u
}
