// The registry of bench sections: name → function returning the JSON to write.
import { boot } from './boot'
import { worlds } from './worlds'

export const sections: Record<string, () => Promise<unknown>> = {
  boot,
  worlds,
}
