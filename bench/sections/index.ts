// The registry of bench sections: name → function returning the JSON to write.
import { boot } from './boot'

export const sections: Record<string, () => Promise<unknown>> = {
  boot,
}
