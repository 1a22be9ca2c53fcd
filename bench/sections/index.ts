// The registry of bench sections: name → function returning the JSON to write.
import { avatars } from './avatars'
import { boot } from './boot'
import { builder } from './builder'
import { chain } from './chain'
import { events } from './events'
import { net } from './net'
import { voice } from './voice'
import { worlds } from './worlds'

export const sections: Record<string, () => Promise<unknown>> = {
  avatars,
  boot,
  builder,
  chain,
  events,
  net,
  voice,
  worlds,
}
