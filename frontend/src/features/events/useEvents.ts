/** Events: a plan year's list (filtered), one event with its ETag, create, and the form's choices. */
import { ref, type Ref } from 'vue'
import { api, fetchAllPages, ifMatch, MAX_PAGE, unwrap, unwrapWithEtag } from '../../api/client'
import { periodBounds } from './datetime'
import type { CompanyRead, EventCreate, EventKind, EventRead, EventStatus, EventUpdate } from './types'
import { useResource } from '../../composables/useResource'


export interface EventFilters {
  kind: EventKind | null
  status: EventStatus | null
  /** 1–12, or null for the whole year. */
  month: number | null
}

export async function fetchYearEvents(year: number, filters: EventFilters): Promise<EventRead[]> {
  const { from, before } = periodBounds(year, filters.month)
  return fetchAllPages((offset) =>
    unwrap(
      api.GET('/api/v1/events', {
        params: {
          query: {
            starts_from: from,
            starts_before: before,
            limit: MAX_PAGE,
            offset,
            ...(filters.kind ? { kind: filters.kind } : {}),
            ...(filters.status ? { status: filters.status } : {}),
          },
        },
      }),
    ),
  )
}

export function useYearEvents(year: Ref<number>, filters: Ref<EventFilters>) {
  return useResource(() => fetchYearEvents(year.value, filters.value), [year, filters])
}

export async function createEvent(body: EventCreate): Promise<EventRead> {
  return unwrap(api.POST('/api/v1/events', { body }))
}

/** One event; `save` sends a PATCH with If-Match on the ETag last read. */
export function useEvent(id: Ref<number>) {
  const etag = ref<string | null>(null)
  const resource = useResource(async () => {
    const result = await unwrapWithEtag(api.GET('/api/v1/events/{event_id}', { params: { path: { event_id: id.value } } }))
    etag.value = result.etag
    return result.data
  }, [id])

  async function save(changes: EventUpdate): Promise<EventRead> {
    const result = await unwrapWithEtag(
      api.PATCH('/api/v1/events/{event_id}', {
        params: { path: { event_id: id.value }, header: ifMatch(etag.value) },
        body: changes,
      }),
    )
    etag.value = result.etag
    resource.data.value = result.data
    return result.data
  }

  /** Record the event as held: whoever is still only registered becomes a no-show (409 before it starts). */
  async function markHeld(): Promise<EventRead> {
    const result = await unwrapWithEtag(
      api.POST('/api/v1/events/{event_id}/mark-held', {
        params: { path: { event_id: id.value }, header: ifMatch(etag.value) },
      }),
    )
    etag.value = result.etag
    resource.data.value = result.data
    return result.data
  }

  /** Read the event again without showing the loading state (after registrations change). */
  async function refresh(): Promise<void> {
    const result = await unwrapWithEtag(api.GET('/api/v1/events/{event_id}', { params: { path: { event_id: id.value } } }))
    etag.value = result.etag
    resource.data.value = result.data
  }

  return { ...resource, etag, save, markHeld, refresh }
}

/** The plan year's initiatives, for linking an event to them. */
export async function fetchPlanInitiatives(year: number) {
  const page = await unwrap(
    api.GET('/api/v1/plans/{year}/initiatives', { params: { path: { year }, query: { limit: MAX_PAGE } } }),
  )
  return page.items
}

export async function searchCompanies(text: string): Promise<CompanyRead[]> {
  const page = await unwrap(api.GET('/api/v1/companies', { params: { query: { search: text, limit: 20 } } }))
  return page.items
}

export async function fetchCompany(id: number): Promise<CompanyRead> {
  return unwrap(api.GET('/api/v1/companies/{company_id}', { params: { path: { company_id: id } } }))
}
