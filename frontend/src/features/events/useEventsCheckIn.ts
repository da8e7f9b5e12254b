/** Check-in at the door: the seated registrations, a name/company filter, one-tap check-in, walk-ins. */
import { computed, ref, type Ref } from 'vue'
import { toApiError, type ApiError } from '../../api/errors'
import { isSeated } from './labels'
import type { RegistrationCreate, RegistrationDetail } from './types'
import { checkInPeople, registerParticipant, setRegistrationStatus, useCompanyNames, useRegistrations } from './useEventsRegistrations'

export interface CheckInEntry {
  registration: RegistrationDetail
  name: string
  company: string
  email: string
}

export interface CheckInMessage {
  text: string
  tone: 'good' | 'bad'
}

/** Whether every word of the query occurs in the person's name, company or e-mail. */
export function matchesQuery(entry: Pick<CheckInEntry, 'name' | 'company' | 'email'>, query: string): boolean {
  const words = query.toLocaleLowerCase('da-DK').split(/\s+/).filter(Boolean)
  if (!words.length) return true
  const haystack = `${entry.name} ${entry.company} ${entry.email}`.toLocaleLowerCase('da-DK')
  return words.every((word) => haystack.includes(word))
}

const byName = new Intl.Collator('da-DK', { sensitivity: 'base' })

export function useCheckIn(eventId: Ref<number>) {
  const registrations = useRegistrations(eventId)
  const companyIds = computed(() =>
    (registrations.data.value ?? []).flatMap((r) => (r.person.company_id !== null ? [r.person.company_id] : [])),
  )
  const companies = useCompanyNames(companyIds)
  const busy = ref<ReadonlySet<number>>(new Set())
  const message = ref<CheckInMessage | null>(null)
  const error = ref<ApiError | null>(null)

  const entries = computed<CheckInEntry[]>(() =>
    (registrations.data.value ?? [])
      .filter((r) => r.status !== 'cancelled')
      .map((registration) => ({
        registration,
        name: registration.person.name ?? 'Slettet person',
        company: registration.person.company_id !== null ? (companies.names.value.get(registration.person.company_id) ?? '') : '',
        email: registration.person.email ?? '',
      }))
      .sort((a, b) => byName.compare(a.name, b.name)),
  )
  const seated = computed(() => entries.value.filter((e) => isSeated(e.registration.status)))
  const waitlisted = computed(() => entries.value.filter((e) => e.registration.status === 'waitlisted'))
  const total = computed(() => seated.value.length)
  const checkedIn = computed(() => seated.value.filter((e) => e.registration.status === 'attended').length)

  function replace(updated: RegistrationDetail): void {
    const list = registrations.data.value ?? []
    registrations.data.value = list.some((r) => r.id === updated.id)
      ? list.map((r) => (r.id === updated.id ? updated : r))
      : [...list, updated]
  }

  function setBusy(id: number, on: boolean): void {
    const next = new Set(busy.value)
    if (on) next.add(id)
    else next.delete(id)
    busy.value = next
  }

  async function run(registration: RegistrationDetail, action: () => Promise<CheckInMessage>): Promise<boolean> {
    setBusy(registration.id, true)
    error.value = null
    try {
      message.value = await action()
      return true
    } catch (caught) {
      error.value = toApiError(caught)
      message.value = null
      return false
    } finally {
      setBusy(registration.id, false)
    }
  }

  function nameOf(registration: RegistrationDetail): string {
    return registration.person.name ?? 'Personen'
  }

  /** Check one person in; the count changes as soon as the API has answered. */
  function checkIn(registration: RegistrationDetail): Promise<boolean> {
    return run(registration, async () => {
      const result = await checkInPeople(eventId.value, [registration.person_id])
      replace({ ...registration, status: 'attended', checked_in_at: registration.checked_in_at ?? new Date().toISOString() })
      const already = result.already.includes(registration.id)
      return { text: `${nameOf(registration)} ${already ? 'var allerede tjekket ind' : 'er tjekket ind'}.`, tone: 'good' }
    })
  }

  /** Undo a check-in made by mistake: the registration is set back to registered. */
  function undo(registration: RegistrationDetail): Promise<boolean> {
    return run(registration, async () => {
      replace(await setRegistrationStatus(eventId.value, registration.id, 'registered'))
      return { text: `Indtjekningen af ${nameOf(registration)} er fortrudt.`, tone: 'good' }
    })
  }

  /** Register someone at the door and check them in at once (if a seat is free). */
  async function walkIn(body: RegistrationCreate): Promise<RegistrationDetail> {
    const { registration } = await registerParticipant(eventId.value, body)
    replace(registration)
    if (registration.status === 'waitlisted') {
      message.value = { text: `${nameOf(registration)} er sat på venteliste: der er ingen ledige pladser.`, tone: 'bad' }
      return registration
    }
    if (registration.status !== 'attended') await checkIn(registration)
    else message.value = { text: `${nameOf(registration)} var allerede tjekket ind.`, tone: 'good' }
    return registration
  }

  return { registrations, entries, seated, waitlisted, total, checkedIn, busy, message, error, checkIn, undo, walkIn }
}
