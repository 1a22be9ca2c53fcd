// Part 3's two paths (bench/voice/ear.ts does the measuring): the voice path, a Chromium
// publisher in a world's voice room heard by Chromium listeners through VideoRoom subscriptions;
// and the stage path's listeners, Chromium watchers of the live stage's mountpoints while a
// Chromium page is the host on air (bench/sections/voice.ts sets that up).
import type { Page } from '@playwright/test'
import type { Room } from 'colyseus.js'
import type { JanusSession } from '../../src/protocol/janus'
import { sleep } from '../lib/section'
import {
  acceptAnswer,
  listenerPage,
  measureOnsets,
  openEarBrowser,
  publisherPage,
  type EarBrowser,
  type EarResult,
} from './ear'
import {
  joinWorld,
  joinVoice,
  publishOffer,
  subscribeVoice,
  watchStage,
  watchTicket,
} from './seats'

/** Voice: one Chromium speaker, `listeners` Chromium listeners, `repeats` tone onsets. */
export async function voiceEar(
  url: string,
  world: string,
  listeners: number,
  repeats: number,
): Promise<EarResult> {
  const b = await openEarBrowser()
  const rooms: Room[] = []
  const sessions: JanusSession[] = []
  try {
    const speakerRoom = await joinWorld(url, world, 'ear-speaker')
    rooms.push(speakerRoom)
    const speaker = await joinVoice(speakerRoom)
    sessions.push(speaker.session)
    const { page, offer } = await publisherPage(b)
    await acceptAnswer(page, await publishOffer(speaker.pub, offer))
    const pages: Page[] = []
    for (let i = 0; i < listeners; i++) {
      const room = await joinWorld(url, world, `ear-listener-${i}`)
      rooms.push(room)
      const seat = await joinVoice(room)
      sessions.push(seat.session)
      await subscribeVoice(seat, speaker.ticket.feed, async (o) => {
        const l = await listenerPage(b, o)
        pages.push(l.page)
        return l.answer
      })
    }
    await sleep(2000) // ICE and DTLS, and the jitter buffers settle
    return await measureOnsets(page, pages, repeats)
  } finally {
    await Promise.all(sessions.map((s) => s.destroy().catch(() => {})))
    await Promise.all(rooms.map((r) => r.leave(true).catch(() => {})))
    await b.close()
  }
}

/** Stage: Chromium watchers (in `rooms`, event seats) of the stage; `host` sends the tone. */
export async function stageEar(
  b: EarBrowser,
  host: Page,
  rooms: Room[],
  repeats: number,
): Promise<EarResult & { janus: string[] }> {
  const sessions: JanusSession[] = []
  const pages: Page[] = []
  const janus: string[] = []
  try {
    for (const room of rooms) {
      const ticket = await watchTicket(room, 30_000)
      janus.push(ticket.url)
      sessions.push(
        await watchStage(ticket, async (o) => {
          const l = await listenerPage(b, o)
          pages.push(l.page)
          return l.answer
        }),
      )
    }
    await sleep(2000)
    return { ...(await measureOnsets(host, pages, repeats)), janus }
  } finally {
    await Promise.all(sessions.map((s) => s.destroy().catch(() => {})))
  }
}
