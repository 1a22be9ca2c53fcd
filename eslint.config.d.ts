// Types for what tests import from eslint.config.js (tests/architecture.test.ts).
import type { Linter } from 'eslint'

export const FEATURE_DEPENDS: Readonly<Record<string, readonly string[]>>
declare const config: Linter.Config[]
export default config
