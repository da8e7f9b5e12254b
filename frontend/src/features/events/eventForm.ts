/** The event form's values as typed, and how they become an EventCreate (or messages by field). */
import { parseDanishNumber } from '../../format'
import { fromLocalInput, toLocalInput } from './datetime'
import type { CompanyRead, EventCreate, EventKind, EventRead, EventStatus, EventUpdate } from './types'

export interface SessionRow {
  startsAt: string
  endsAt: string
  location: string
}

export interface EventFormValues {
  title: string
  kind: EventKind
  status: EventStatus
  startsAt: string
  endsAt: string
  tentative: boolean
  location: string
  capacity: string
  /** How many are expected to come (the goals' expected trajectory); empty: the capacity. */
  expectedParticipants: string
  /** The event series chosen from the list; null: none. */
  seriesId: number | null
  description: string
  headcount: string
  /** Of the door count, how many were pupils. */
  headcountPupils: string
  headcountCompanies: string
  visitedCompany: CompanyRead | null
  mayorPresent: boolean
  initiativeIds: number[]
  organizerIds: number[]
  sessions: SessionRow[]
}

/** The fields the form shows, as the API names them (for its field errors). */
export const EVENT_FORM_FIELDS = [
  'title',
  'kind',
  'status',
  'starts_at',
  'ends_at',
  'tentative',
  'location',
  'capacity',
  'expected_participants',
  'series_id',
  'description',
  'headcount',
  'headcount_pupils',
  'headcount_companies',
  'visited_company_id',
  'mayor_present',
  'initiative_ids',
  'organizer_ids',
  'sessions',
] as const

export function emptyValues(): EventFormValues {
  return {
    title: '',
    kind: 'theme_meeting',
    status: 'planned',
    startsAt: '',
    endsAt: '',
    tentative: false,
    location: '',
    capacity: '',
    expectedParticipants: '',
    seriesId: null,
    description: '',
    headcount: '',
    headcountPupils: '',
    headcountCompanies: '',
    visitedCompany: null,
    mayorPresent: false,
    initiativeIds: [],
    organizerIds: [],
    sessions: [],
  }
}

const numberText = (value: number | null) => (value === null ? '' : String(value))

export function valuesOf(event: EventRead, visitedCompany: CompanyRead | null = null): EventFormValues {
  return {
    title: event.title,
    kind: event.kind,
    status: event.status,
    startsAt: toLocalInput(event.starts_at),
    endsAt: toLocalInput(event.ends_at),
    tentative: event.tentative,
    location: event.location ?? '',
    capacity: numberText(event.capacity),
    expectedParticipants: numberText(event.expected_participants),
    seriesId: event.series_id,
    description: event.description,
    headcount: numberText(event.headcount),
    headcountPupils: numberText(event.headcount_pupils),
    headcountCompanies: numberText(event.headcount_companies),
    visitedCompany,
    mayorPresent: event.mayor_present,
    initiativeIds: [...event.initiative_ids],
    organizerIds: [...event.organizer_ids],
    sessions: event.sessions.map((s) => ({ startsAt: toLocalInput(s.starts_at), endsAt: toLocalInput(s.ends_at), location: s.location ?? '' })),
  }
}

/** "" → null; a whole number ≥ min → the number; anything else → NaN. */
function wholeNumber(text: string, min: number): number | null {
  if (!text.trim()) return null
  const value = parseDanishNumber(text)
  return Number.isInteger(value) && value >= min ? value : Number.NaN
}

export type BuildResult = { ok: true; body: EventCreate } | { ok: false; errors: Record<string, string> }

/** The request body, or Danish messages by API field name for what is not filled in right. */
export function buildEvent(values: EventFormValues): BuildResult {
  const errors: Record<string, string> = {}
  if (!values.title.trim()) errors.title = 'Skriv arrangementets titel.'
  const startsAt = fromLocalInput(values.startsAt)
  const endsAt = fromLocalInput(values.endsAt)
  if (!startsAt) errors.starts_at = 'Vælg dato og klokkeslæt for start.'
  if (!endsAt) errors.ends_at = 'Vælg dato og klokkeslæt for slut.'
  else if (startsAt && endsAt < startsAt) errors.ends_at = 'Slut kan ikke være før start.'
  const capacity = wholeNumber(values.capacity, 1)
  if (Number.isNaN(capacity)) errors.capacity = 'Skriv et helt tal på mindst 1, eller lad feltet stå tomt (ingen grænse).'
  const expectedParticipants = wholeNumber(values.expectedParticipants, 0)
  if (Number.isNaN(expectedParticipants)) errors.expected_participants = 'Skriv et helt tal, eller lad feltet stå tomt (så bruges antal pladser).'
  const headcount = wholeNumber(values.headcount, 0)
  if (Number.isNaN(headcount)) errors.headcount = 'Skriv et helt tal, eller lad feltet stå tomt.'
  const headcountPupils = wholeNumber(values.headcountPupils, 0)
  if (Number.isNaN(headcountPupils)) errors.headcount_pupils = 'Skriv et helt tal, eller lad feltet stå tomt.'
  else if (headcountPupils !== null && (headcount === null || Number.isNaN(headcount) || headcountPupils > headcount))
    errors.headcount_pupils = 'Eleverne er en del af deltagerne talt ved døren: skriv dem også dér, og ikke flere end dem.'
  const headcountCompanies = wholeNumber(values.headcountCompanies, 0)
  if (Number.isNaN(headcountCompanies)) errors.headcount_companies = 'Skriv et helt tal, eller lad feltet stå tomt.'
  const sessions = values.sessions.map((row, index) => {
    const start = fromLocalInput(row.startsAt)
    const end = fromLocalInput(row.endsAt)
    if (!start) errors[`sessions.${index}.starts_at`] = 'Vælg start.'
    if (!end) errors[`sessions.${index}.ends_at`] = 'Vælg slut.'
    else if (start && end < start) errors[`sessions.${index}.ends_at`] = 'Slut kan ikke være før start.'
    return { starts_at: start ?? '', ends_at: end ?? '', location: row.location.trim() || null }
  })
  if (Object.keys(errors).length) return { ok: false, errors }
  const visit = values.kind === 'company_visit'
  return {
    ok: true,
    body: {
      kind: values.kind,
      title: values.title.trim(),
      description: values.description,
      starts_at: startsAt ?? '',
      ends_at: endsAt ?? '',
      location: values.location.trim() || null,
      status: values.status,
      capacity,
      expected_participants: expectedParticipants,
      series_id: values.seriesId,
      headcount,
      headcount_pupils: headcountPupils,
      headcount_companies: headcountCompanies,
      visited_company_id: visit ? (values.visitedCompany?.id ?? null) : null,
      mayor_present: visit ? values.mayorPresent : false,
      tentative: values.tentative,
      initiative_ids: [...values.initiativeIds].sort((a, b) => a - b),
      organizer_ids: [...values.organizerIds].sort((a, b) => a - b),
      sessions,
    },
  }
}

/** The fields of `body` that differ from `before` (both built by buildEvent): a small PATCH. */
export function changedFields(before: EventCreate, body: EventCreate): EventUpdate {
  const changes: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (JSON.stringify(value) !== JSON.stringify((before as Record<string, unknown>)[key])) changes[key] = value
  }
  return changes as EventUpdate
}

/** A start time two hours later, for the end when only the start is chosen. */
export function twoHoursLater(local: string): string {
  const start = fromLocalInput(local)
  if (!start) return ''
  return toLocalInput(new Date(new Date(start).getTime() + 2 * 3_600_000).toISOString())
}
