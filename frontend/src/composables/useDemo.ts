/** Whether demo data is loaded (GET /api/v1/demo), for the banner every screen shows while it is. */
import { shallowRef } from 'vue'
import { api, unwrap } from '../api/client'
import type { DemoStatus } from '../api/types'
import { formatCount } from '../format'

export function fetchDemoStatus(): Promise<DemoStatus> {
  return unwrap(api.GET('/api/v1/demo'))
}

/** The banner's sentence, or '' when there is no demo data. */
export function demoBannerText(status: DemoStatus | null): string {
  if (!status?.present) return ''
  const events = formatCount(status.events, 'arrangement', 'arrangementer')
  const companies = formatCount(status.companies, 'virksomhed', 'virksomheder')
  const people = formatCount(status.people, 'person', 'personer')
  return (
    `${events}, ${companies} og ${people} er eksempler og tælles ikke med i målene. ` +
    'Fjern dem med erhverv remove-demo.'
  )
}

export function useDemo() {
  const status = shallowRef<DemoStatus | null>(null)

  /** Ask again (after each navigation); a failed answer keeps what was known: the banner is a help, not the page. */
  async function refresh(): Promise<void> {
    try {
      status.value = await fetchDemoStatus()
    } catch {
      // Not logged in any more, or the server is busy: the page says so itself.
    }
  }

  function clear(): void {
    status.value = null
  }

  return { status, refresh, clear }
}
