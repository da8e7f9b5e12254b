/**
 * Who took part in which events: a person's registrations, or those of a company's people,
 * each with its event, newest event first — one list of the API (all its pages), however many
 * events there are.
 */
import { api, fetchAllPages, MAX_PAGE, unwrap } from '../api/client'
import type { components } from '../api/schema'

type Schemas = components['schemas']
export type EventRead = Schemas['EventRead']
export type Participation = Schemas['Participation']

/** The person's registrations with their events (personal data: editors and admins). */
export function fetchPersonParticipation(personId: number): Promise<Participation[]> {
  return fetchAllPages((offset) =>
    unwrap(
      api.GET('/api/v1/people/{person_id}/registrations', {
        params: { path: { person_id: personId }, query: { limit: MAX_PAGE, offset } },
      }),
    ),
  )
}

/** The registrations of the company's people with their events (personal data). */
export function fetchCompanyParticipation(companyId: number): Promise<Participation[]> {
  return fetchAllPages((offset) =>
    unwrap(
      api.GET('/api/v1/companies/{company_id}/registrations', {
        params: { path: { company_id: companyId }, query: { limit: MAX_PAGE, offset } },
      }),
    ),
  )
}

/** The events that were visits to the company (no personal data: every role). */
export function fetchCompanyVisits(companyId: number): Promise<EventRead[]> {
  return fetchAllPages((offset) =>
    unwrap(
      api.GET('/api/v1/events', {
        params: { query: { visited_company_id: companyId, limit: MAX_PAGE, offset } },
      }),
    ),
  )
}

export function newestFirst(a: { event: EventRead }, b: { event: EventRead }): number {
  return b.event.starts_at.localeCompare(a.event.starts_at)
}
