// A signed-in tab keeps its session over a reload (sessionStorage, src/wallet/actions.ts). The
// page resumes it as it starts, not only once the wallet panel opens, so that the world's room,
// a draft's builders and the start page know the visitor at once. The lazy wallet chunk loads
// only when a session is stored.
export const SESSION_KEY = 'cangqiong.wallet.session'

let resumed: Promise<void> | null = null

function stored(): boolean {
  try {
    return sessionStorage.getItem(SESSION_KEY) !== null
  } catch {
    return false
  }
}

/** Settles once a stored session is resumed or refused (at once when none is stored). */
export function resumeSession(): Promise<void> {
  resumed ??= stored()
    ? import('./actions').then(
        (m) => m.restoreStoredSession(),
        () => {},
      )
    : Promise.resolve()
  return resumed
}
