// Shows the exhibit card while one is open, loading its chunk the first time. The only part of
// the exhibit code in the HUD's bundle.
import { useEffect, useState, type ComponentType } from 'react'
import { useSpaces } from './store'
import type * as CardModule from './ExhibitCard'

let cardModule: Promise<typeof CardModule> | null = null
function loadCard() {
  cardModule ??= import('./ExhibitCard').catch((e: unknown) => {
    cardModule = null
    throw e
  })
  return cardModule
}

export function ExhibitCardHost() {
  const open = useSpaces((s) => s.open !== null)
  const [Card, setCard] = useState<ComponentType | null>(null)

  useEffect(() => {
    if (!open || Card) return
    let live = true
    loadCard().then(
      (m) => live && setCard(() => m.ExhibitCard),
      // Without its chunk there is no card to show: drop the request (a later click retries).
      () => live && useSpaces.getState().closeExhibit(),
    )
    return () => {
      live = false
    }
  }, [open, Card])

  // Leaving the world closes the card, so it does not reappear in the next one.
  useEffect(() => () => useSpaces.getState().closeExhibit(), [])

  return open && Card ? <Card /> : null
}
