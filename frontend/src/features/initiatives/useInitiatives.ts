/** Initiatives: the plan's list (filtered by track), one initiative, its events, partners. */
import { ref, type Ref } from 'vue'
import { api, ifMatch, unwrap, unwrapWithEtag } from '../../api/client'
import type { InitiativeDetail, InitiativeUpdate } from '../../api/types'
import { useResource } from '../../composables/useResource'

export function useInitiatives(year: Ref<number>, trackId: Ref<number | null>) {
  return useResource(async () => {
    const query = { limit: 500, ...(trackId.value !== null ? { track_id: trackId.value } : {}) }
    const page = await unwrap(
      api.GET('/api/v1/plans/{year}/initiatives', { params: { path: { year: year.value }, query } }),
    )
    return page.items
  }, [year, trackId])
}

/** One initiative with its goals; `save` sends a PATCH with If-Match on the ETag last read. */
export function useInitiative(id: Ref<number>) {
  const etag = ref<string | null>(null)
  const resource = useResource(async () => {
    const result = await unwrapWithEtag(
      api.GET('/api/v1/initiatives/{initiative_id}', { params: { path: { initiative_id: id.value } } }),
    )
    etag.value = result.etag
    return result.data
  }, [id])

  async function save(changes: InitiativeUpdate): Promise<InitiativeDetail> {
    const result = await unwrapWithEtag(
      api.PATCH('/api/v1/initiatives/{initiative_id}', {
        params: { path: { initiative_id: id.value }, header: ifMatch(etag.value) },
        body: changes,
      }),
    )
    etag.value = result.etag
    resource.data.value = result.data
    return result.data
  }

  return { ...resource, etag, save }
}

export function useInitiativeEvents(id: Ref<number>) {
  return useResource(async () => {
    const page = await unwrap(
      api.GET('/api/v1/events', { params: { query: { initiative_id: id.value, limit: 500 } } }),
    )
    return page.items
  }, [id])
}

export async function fetchOrganizations() {
  const page = await unwrap(api.GET('/api/v1/organizations', { params: { query: { limit: 500 } } }))
  return page.items
}
