/** An event's registrations (personal data: editors): list, register, cancel, company names. */
import { ref, shallowRef, watch, type Ref } from 'vue'
import { api, fetchAllPages, MAX_PAGE, unwrap } from '../../api/client'
import { ApiError, toApiError } from '../../api/errors'
import type { RegistrationCreate, RegistrationDetail, RegistrationStatus } from './types'
import { fetchCompany } from './useEvents'
import { useResource } from '../../composables/useResource'

export async function fetchRegistrations(eventId: number): Promise<RegistrationDetail[]> {
  return fetchAllPages((offset) =>
    unwrap(
      api.GET('/api/v1/events/{event_id}/registrations', {
        params: { path: { event_id: eventId }, query: { limit: MAX_PAGE, offset } },
      }),
    ),
  )
}

export function useRegistrations(eventId: Ref<number>) {
  return useResource(() => fetchRegistrations(eventId.value), [eventId])
}

export interface RegisterResult {
  registration: RegistrationDetail
  /** False when the person was registered already (the API answers 200 with that registration). */
  created: boolean
}

export async function registerParticipant(eventId: number, body: RegistrationCreate): Promise<RegisterResult> {
  let result
  try {
    result = await api.POST('/api/v1/events/{event_id}/registrations', { params: { path: { event_id: eventId } }, body })
  } catch (error) {
    throw toApiError(error)
  }
  const { response } = result
  if (!response.ok) throw ApiError.fromProblem(response.status, result.error)
  return { registration: result.data as RegistrationDetail, created: response.status === 201 }
}

export async function setRegistrationStatus(
  eventId: number,
  registrationId: number,
  status: RegistrationStatus,
): Promise<RegistrationDetail> {
  return unwrap(
    api.PATCH('/api/v1/events/{event_id}/registrations/{registration_id}', {
      params: { path: { event_id: eventId, registration_id: registrationId } },
      body: { status },
    }),
  )
}

export interface CancelResult {
  registrations: RegistrationDetail[]
  /** Who moved up from the waiting list to the freed seat(s). */
  promoted: RegistrationDetail[]
}

/**
 * Cancel a registration. The API answers with the cancelled registration only, so the list is
 * read again and compared with `before`: who was waitlisted and now has a seat moved up.
 */
export async function cancelRegistration(
  eventId: number,
  registrationId: number,
  before: readonly RegistrationDetail[],
): Promise<CancelResult> {
  await setRegistrationStatus(eventId, registrationId, 'cancelled')
  const registrations = await fetchRegistrations(eventId)
  return { registrations, promoted: promotedBetween(before, registrations) }
}

/** The registrations waitlisted in `before` that hold a seat in `after`. */
export function promotedBetween(
  before: readonly RegistrationDetail[],
  after: readonly RegistrationDetail[],
): RegistrationDetail[] {
  const waiting = new Set(before.filter((r) => r.status === 'waitlisted').map((r) => r.id))
  return after.filter((r) => waiting.has(r.id) && r.status !== 'waitlisted' && r.status !== 'cancelled')
}

/** Check people in at the door (all or nothing). */
export async function checkInPeople(eventId: number, personIds: number[]) {
  return unwrap(api.POST('/api/v1/events/{event_id}/check-in', { params: { path: { event_id: eventId } }, body: { person_ids: personIds } }))
}

export async function searchPeople(text: string) {
  const page = await unwrap(api.GET('/api/v1/people', { params: { query: { search: text, limit: 20 } } }))
  return page.items
}

/**
 * Company names by id for the people of a registration list. The registrations name a
 * company by id only, so each company is read once (a few at a time) and remembered.
 */
export function useCompanyNames(companyIds: Ref<readonly number[]>) {
  const names = shallowRef<ReadonlyMap<number, string>>(new Map())
  const known = new Map<number, string>()
  const loading = ref(false)

  async function load(ids: readonly number[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !known.has(id))
    if (!missing.length) return
    loading.value = true
    const queue = [...missing]
    async function worker(): Promise<void> {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          known.set(id, (await fetchCompany(id)).name)
        } catch {
          known.set(id, '')
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(6, queue.length) }, worker))
    names.value = new Map(known)
    loading.value = false
  }

  watch(companyIds, (ids) => void load(ids), { immediate: true })
  return { names, loading }
}
