/**
 * Who took part in which events, found by reading the events' registration lists.
 *
 * The API has no "registrations of a person" or "events of a company" endpoint (only the GDPR
 * export lists a person's registrations, and it is audited as an export), so the screens read
 * each event's registrations and keep the matching ones. Events with no registrations are
 * skipped. Swap this for a direct endpoint when the API gets one.
 */
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'

type Schemas = components['schemas']
export type EventRead = Schemas['EventRead']
export type RegistrationDetail = Schemas['RegistrationDetail']
export type RegistrationStatus = Schemas['RegistrationStatus']

const MAX_PAGE = 500
const PARALLEL = 6

export interface Participation {
  event: EventRead
  registrations: RegistrationDetail[]
}

/** Every event, all pages. */
export async function fetchAllEvents(): Promise<EventRead[]> {
  const events: EventRead[] = []
  for (let offset = 0; ; offset += MAX_PAGE) {
    const page = await unwrap(api.GET('/api/v1/events', { params: { query: { limit: MAX_PAGE, offset } } }))
    events.push(...page.items)
    if (!page.items.length || events.length >= page.total) return events
  }
}

/** One event's registrations with the people, all pages (personal data: editors and admins). */
export async function fetchRegistrations(eventId: number): Promise<RegistrationDetail[]> {
  const rows: RegistrationDetail[] = []
  for (let offset = 0; ; offset += MAX_PAGE) {
    const page = await unwrap(
      api.GET('/api/v1/events/{event_id}/registrations', {
        params: { path: { event_id: eventId }, query: { limit: MAX_PAGE, offset } },
      }),
    )
    rows.push(...page.items)
    if (!page.items.length || rows.length >= page.total) return rows
  }
}

function hasRegistrations(event: EventRead): boolean {
  const c = event.counts
  return c.registered + c.waitlisted + c.attended + c.no_show + c.cancelled > 0
}

/** Run `work` over the items, at most `parallel` at a time, keeping the order. */
export async function mapLimited<T, R>(items: readonly T[], parallel: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker))
  return results
}

/** The events with registrations that match, newest first, each with the matching ones. */
export async function findParticipation(
  matches: (registration: RegistrationDetail) => boolean,
  events?: readonly EventRead[],
): Promise<Participation[]> {
  const all = (events ?? (await fetchAllEvents())).filter(hasRegistrations)
  const found = await mapLimited(all, PARALLEL, async (event) => ({
    event,
    registrations: (await fetchRegistrations(event.id)).filter(matches),
  }))
  return found.filter((p) => p.registrations.length > 0).sort(newestFirst)
}

export function newestFirst(a: { event: EventRead }, b: { event: EventRead }): number {
  return b.event.starts_at.localeCompare(a.event.starts_at)
}
