// The 3D view's last line: an error thrown anywhere in it (the browser gives no WebGL context, a
// world style's code failed to download, a render threw) would otherwise unmount the whole page
// and leave it blank. It is caught here, and the open world fails with what happened and what to
// do; a world opened later fails the same way instead of waiting for a view that is gone. The
// directory and every panel outside the canvas keep working.
import { Component, type ErrorInfo, type ReactNode } from 'react'
import { useSettings } from '../state/settings'
import { useWorld, type WorldError } from '../state/world'
import { translate } from '../i18n'

/** What went wrong, from the error's message: WebGL, a missing code chunk, or the view itself. */
export function describeViewError(
  err: unknown,
  lang = useSettings.getState().language,
): WorldError {
  const message = err instanceof Error ? err.message : String(err)
  if (/webgl|creating .*context/i.test(message))
    return {
      title: translate(lang, 'error.webgl'),
      issues: [{ field: '', message }],
      advice: 'webgl',
      reload: true,
    }
  // Chromium, Firefox and Safari word a failed dynamic import differently.
  if (/dynamically imported module|importing a module script failed|loading chunk/i.test(message))
    return {
      title: translate(lang, 'error.code'),
      issues: [{ field: '', message }],
      advice: 'code',
      reload: true,
    }
  return {
    title: translate(lang, 'error.build'),
    issues: [{ field: '', message }],
    advice: 'build',
    reload: true,
  }
}

interface State {
  error: unknown
}

export class ViewBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null }
  private unsubscribe: (() => void) | null = null

  static getDerivedStateFromError(error: unknown): State {
    return { error }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('[cangqiong] the 3D view failed', error, info.componentStack)
    this.failOpenWorld()
    this.unsubscribe ??= useWorld.subscribe(() => this.failOpenWorld())
  }

  override componentWillUnmount() {
    this.unsubscribe?.()
  }

  /** A world that is open or opening cannot be shown: it fails with the view's error. */
  private failOpenWorld() {
    const world = useWorld.getState()
    if (this.state.error === null || world.worldId === null) return
    if (world.status === 'loading' || world.status === 'ready')
      world.failed(describeViewError(this.state.error))
  }

  override render() {
    return this.state.error === null ? this.props.children : null
  }
}
