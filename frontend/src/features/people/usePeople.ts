/** People (personal data): list, one person (read/PATCH with ETag), registrations, GDPR. */
import { ref, type Ref } from 'vue'
import { api, ifMatch, unwrap, unwrapWithEtag } from '../../api/client'
import { toApiError } from '../../api/errors'
import type { components } from '../../api/schema'
import { useResource } from '../../composables/useResource'
import { fetchPersonParticipation } from '../../composables/useParticipation'

type Schemas = components['schemas']
export type PersonRead = Schemas['PersonRead']
export type PersonUpdate = Schemas['PersonUpdate']
export type PersonExport = Schemas['PersonExport']

export function usePeopleList(search: Ref<string | null>, offset: Ref<number>, limit: number) {
  return useResource(
    () =>
      unwrap(
        api.GET('/api/v1/people', {
          params: { query: { limit, offset: offset.value, ...(search.value ? { search: search.value } : {}) } },
        }),
      ),
    [search, offset],
  )
}

/** One person; `save` sends a PATCH with If-Match; `replace` takes an answer (the erasure's). */
export function usePerson(id: Ref<number>) {
  const etag = ref<string | null>(null)
  const resource = useResource(async () => {
    const result = await unwrapWithEtag(
      api.GET('/api/v1/people/{person_id}', { params: { path: { person_id: id.value } } }),
    )
    etag.value = result.etag
    return result.data
  }, [id])

  async function save(changes: PersonUpdate): Promise<PersonRead> {
    const result = await unwrapWithEtag(
      api.PATCH('/api/v1/people/{person_id}', {
        params: { path: { person_id: id.value }, header: ifMatch(etag.value) },
        body: changes,
      }),
    )
    etag.value = result.etag
    resource.data.value = result.data
    return result.data
  }

  /** Anonymise the person (GDPR art. 17); the answer is the person as now stored. */
  async function erase(): Promise<PersonRead> {
    const result = await unwrapWithEtag(
      api.POST('/api/v1/people/{person_id}/erase', { params: { path: { person_id: id.value } } }),
    )
    etag.value = result.etag
    resource.data.value = result.data
    return result.data
  }

  return { ...resource, etag, save, erase }
}

/** The person's registrations, newest event first, one row per registration. */
export function usePersonRegistrations(id: Ref<number>) {
  return useResource(() => fetchPersonParticipation(id.value), [id])
}

/** "person-12.json" from `attachment; filename="person-12.json"`, or the fallback. */
export function filenameOf(disposition: string | null, fallback: string): string {
  const match = disposition ? /filename="?([^";]+)"?/i.exec(disposition) : null
  return match?.[1]?.trim() || fallback
}

/** Everything held about the person (GDPR art. 15) as a file the browser saves; audited. */
export async function exportPerson(personId: number): Promise<{ filename: string; data: PersonExport }> {
  let result
  try {
    result = await api.GET('/api/v1/people/{person_id}/export', { params: { path: { person_id: personId } } })
  } catch (error) {
    throw toApiError(error)
  }
  const data = await unwrap(Promise.resolve(result))
  return { data, filename: filenameOf(result.response.headers.get('Content-Disposition'), `person-${personId}.json`) }
}

/** Let the browser save `data` as a JSON file. */
export function downloadJson(filename: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
