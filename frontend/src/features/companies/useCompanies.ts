/** Companies: the searchable list, one company (read/PATCH with ETag), its grants and events. */
import { ref, type Ref } from 'vue'
import { api, fetchAllPages, ifMatch, MAX_PAGE, unwrap, unwrapWithEtag } from '../../api/client'
import type { components } from '../../api/schema'
import { useResource } from '../../composables/useResource'
import {
  fetchCompanyParticipation,
  fetchCompanyVisits,
  newestFirst,
  type EventRead,
  type Participation,
} from '../../composables/useParticipation'

type Schemas = components['schemas']
export type CompanyRead = Schemas['CompanyRead']
export type CompanyCreate = Schemas['CompanyCreate']
export type CompanyUpdate = Schemas['CompanyUpdate']
export type GrantRead = Schemas['GrantRead']

export function useCompanyList(search: Ref<string | null>, offset: Ref<number>, limit: number) {
  return useResource(
    () =>
      unwrap(
        api.GET('/api/v1/companies', {
          params: { query: { limit, offset: offset.value, ...(search.value ? { search: search.value } : {}) } },
        }),
      ),
    [search, offset],
  )
}

/** All companies (for a choice list), by name. */
export async function fetchCompanyOptions(): Promise<CompanyRead[]> {
  const page = await unwrap(api.GET('/api/v1/companies', { params: { query: { limit: 500 } } }))
  return page.items
}

export function fetchCompany(companyId: number): Promise<CompanyRead> {
  return unwrap(api.GET('/api/v1/companies/{company_id}', { params: { path: { company_id: companyId } } }))
}

export async function createCompany(body: CompanyCreate): Promise<CompanyRead> {
  return unwrap(api.POST('/api/v1/companies', { body }))
}

/** One company; `save` sends a PATCH with If-Match on the ETag last read. */
export function useCompany(id: Ref<number>) {
  const etag = ref<string | null>(null)
  const resource = useResource(async () => {
    const result = await unwrapWithEtag(
      api.GET('/api/v1/companies/{company_id}', { params: { path: { company_id: id.value } } }),
    )
    etag.value = result.etag
    return result.data
  }, [id])

  async function save(changes: CompanyUpdate): Promise<CompanyRead> {
    const result = await unwrapWithEtag(
      api.PATCH('/api/v1/companies/{company_id}', {
        params: { path: { company_id: id.value }, header: ifMatch(etag.value) },
        body: changes,
      }),
    )
    etag.value = result.etag
    resource.data.value = result.data
    return result.data
  }

  return { ...resource, etag, save }
}

/** The company's grants, newest first (the API links grants to companies by CVR). */
export function useCompanyGrants(cvr: Ref<string | null>) {
  return useResource(async () => {
    if (!cvr.value) return []
    const cvrNumber = cvr.value
    return fetchAllPages(
      (offset): Promise<{ items: GrantRead[]; total: number }> =>
        unwrap(api.GET('/api/v1/grants', { params: { query: { cvr: cvrNumber, limit: MAX_PAGE, offset } } })),
    )
  }, [cvr])
}

export interface CompanyEvent {
  event: EventRead
  /** The event was a visit to the company (the event names it). */
  visited: boolean
  /** Registrations of the company's people; null when they could not be read (viewers). */
  registered: number | null
  attended: number | null
}

/**
 * The events the company took part in: visits to it (any role) and, for roles that may read
 * personal data, the events its people registered for (see useParticipation): two lists of
 * the API, however many events there are.
 */
export function useCompanyEvents(id: Ref<number>, withRegistrations: Ref<boolean>) {
  return useResource(async (): Promise<CompanyEvent[]> => {
    const rows = new Map<number, CompanyEvent>()
    for (const event of await fetchCompanyVisits(id.value)) {
      rows.set(event.id, { event, visited: true, registered: null, attended: null })
    }
    if (withRegistrations.value) {
      const byEvent = new Map<number, Participation[]>()
      for (const row of await fetchCompanyParticipation(id.value)) {
        const same = byEvent.get(row.event.id)
        if (same) same.push(row)
        else byEvent.set(row.event.id, [row])
      }
      for (const [eventId, found] of byEvent) {
        const registered = found.filter((r) => r.registration.status !== 'cancelled').length
        const attended = found.filter((r) => r.registration.status === 'attended').length
        const visited = rows.get(eventId)?.visited ?? false
        // Only cancelled registrations: the company did not take part.
        if (!registered && !visited) continue
        rows.set(eventId, { event: found[0]!.event, visited, registered, attended })
      }
    }
    return [...rows.values()].sort(newestFirst)
  }, [id, withRegistrations])
}
