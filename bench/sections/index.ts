// The registry of bench sections: name → function returning the JSON to write.
import { boot } from './boot'
import { chain } from './chain'
import { net } from './net'
import { worlds } from './worlds'

export const sections: Record<string, () => Promise<unknown>> = {
  boot,
  chain,
  net,
  worlds,
}
