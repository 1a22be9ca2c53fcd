// A minimal WebM (Matroska) writer for one VP8 video track: EBML header, SeekHead, Info with
// Duration, Tracks, Cues (one per cluster) and one cluster per key frame, so browsers know the
// length and can seek. Used by scripts/make-stage-video.ts; Node only, no dependencies.

export interface VideoChunk {
  /** Presentation time, microseconds. */
  timestampUs: number
  key: boolean
  data: Uint8Array
}

export interface WebmTrack {
  width: number
  height: number
  /** Frame duration, microseconds (DefaultDuration). */
  frameUs: number
  codec: 'V_VP8' | 'V_VP9'
}

const ID = {
  EBML: 0x1a45dfa3,
  EBMLVersion: 0x4286,
  EBMLReadVersion: 0x42f7,
  EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackUID: 0x73c5,
  TrackType: 0x83,
  FlagLacing: 0x9c,
  CodecID: 0x86,
  DefaultDuration: 0x23e383,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
} as const

function idBytes(id: number): Uint8Array {
  const out: number[] = []
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff)
  return Uint8Array.from(out)
}

/** EBML variable-length size, shortest form (or `width` bytes). */
function vint(n: number, width?: number): Uint8Array {
  let len = width ?? 1
  if (width === undefined) while (n >= 2 ** (7 * len) - 1) len++
  const out = new Uint8Array(len)
  let v = n
  for (let i = len - 1; i >= 0; i--) {
    out[i] = v % 256
    v = Math.floor(v / 256)
  }
  out[0]! |= 0x80 >> (len - 1)
  return out
}

function uintBytes(n: number, width?: number): Uint8Array {
  const out: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256)
  if (out.length === 0) out.push(0)
  while (width !== undefined && out.length < width) out.unshift(0)
  return Uint8Array.from(out)
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

const el = (id: number, ...body: Uint8Array[]) => {
  const data = concat(body)
  return concat([idBytes(id), vint(data.length), data])
}
const uint = (id: number, n: number, width?: number) => el(id, uintBytes(n, width))
const str = (id: number, s: string) => el(id, new TextEncoder().encode(s))
const float64 = (id: number, x: number) => {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setFloat64(0, x)
  return el(id, b)
}

/** A complete WebM file. Chunks must be in order and start with a key frame. */
export function writeWebm(track: WebmTrack, chunks: VideoChunk[], app = 'cangqiong'): Uint8Array {
  if (chunks.length === 0 || !chunks[0]!.key) throw new Error('the first chunk must be a key frame')
  const last = chunks[chunks.length - 1]!
  const durationMs = (last.timestampUs + track.frameUs) / 1000

  // One cluster per key frame (the encoder is asked for one a second).
  const groups: VideoChunk[][] = []
  for (const c of chunks) {
    if (c.key || groups.length === 0) groups.push([])
    groups[groups.length - 1]!.push(c)
  }
  const clusters = groups.map((g) => {
    const t0 = Math.round(g[0]!.timestampUs / 1000)
    const blocks = g.map((c) => {
      const rel = Math.round(c.timestampUs / 1000) - t0
      if (rel > 32767) throw new Error('a cluster longer than 32 s')
      const head = new Uint8Array(4)
      head[0] = 0x81 // track 1
      new DataView(head.buffer).setInt16(1, rel)
      head[3] = c.key ? 0x80 : 0
      return el(ID.SimpleBlock, head, c.data)
    })
    return { timeMs: t0, bytes: el(ID.Cluster, uint(ID.Timecode, t0), ...blocks) }
  })

  const info = el(
    ID.Info,
    uint(ID.TimecodeScale, 1_000_000),
    float64(ID.Duration, durationMs),
    str(ID.MuxingApp, app),
    str(ID.WritingApp, app),
  )
  const tracks = el(
    ID.Tracks,
    el(
      ID.TrackEntry,
      uint(ID.TrackNumber, 1),
      uint(ID.TrackUID, 1),
      uint(ID.TrackType, 1),
      uint(ID.FlagLacing, 0),
      str(ID.CodecID, track.codec),
      uint(ID.DefaultDuration, track.frameUs * 1000),
      el(ID.Video, uint(ID.PixelWidth, track.width), uint(ID.PixelHeight, track.height)),
    ),
  )
  // Positions are fixed-width (8 bytes) so the sizes do not depend on the values.
  const seekHead = (pos: { info: number; tracks: number; cues: number }) =>
    el(
      ID.SeekHead,
      el(ID.Seek, el(ID.SeekID, idBytes(ID.Info)), uint(ID.SeekPosition, pos.info, 8)),
      el(ID.Seek, el(ID.SeekID, idBytes(ID.Tracks)), uint(ID.SeekPosition, pos.tracks, 8)),
      el(ID.Seek, el(ID.SeekID, idBytes(ID.Cues)), uint(ID.SeekPosition, pos.cues, 8)),
    )
  const cues = (positions: number[]) =>
    el(
      ID.Cues,
      ...clusters.map((c, i) =>
        el(
          ID.CuePoint,
          uint(ID.CueTime, c.timeMs, 8),
          el(
            ID.CueTrackPositions,
            uint(ID.CueTrack, 1),
            uint(ID.CueClusterPosition, positions[i]!, 8),
          ),
        ),
      ),
    )

  // Layout inside the segment: SeekHead, Info, Tracks, Cues, Clusters.
  const seekLen = seekHead({ info: 0, tracks: 0, cues: 0 }).length
  const cuesLen = cues(clusters.map(() => 0)).length
  const infoAt = seekLen
  const tracksAt = infoAt + info.length
  const cuesAt = tracksAt + tracks.length
  let at = cuesAt + cuesLen
  const positions = clusters.map((c) => {
    const p = at
    at += c.bytes.length
    return p
  })
  const body = concat([
    seekHead({ info: infoAt, tracks: tracksAt, cues: cuesAt }),
    info,
    tracks,
    cues(positions),
    ...clusters.map((c) => c.bytes),
  ])
  const header = el(
    ID.EBML,
    uint(ID.EBMLVersion, 1),
    uint(ID.EBMLReadVersion, 1),
    uint(ID.EBMLMaxIDLength, 4),
    uint(ID.EBMLMaxSizeLength, 8),
    str(ID.DocType, 'webm'),
    uint(ID.DocTypeVersion, 2),
    uint(ID.DocTypeReadVersion, 2),
  )
  return concat([header, idBytes(ID.Segment), vint(body.length, 8), body])
}
