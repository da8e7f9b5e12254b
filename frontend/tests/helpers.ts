/** Fakes shared by the unit tests: JSON answers, a recording fetch, and an event as the API sends it. */
import { vi } from 'vitest'
import type { EventRead } from '../src/features/events/types'

export const JSON_HEADERS = { 'Content-Type': 'application/json' }

/** A JSON answer. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } })
}

/** An RFC 9457 problem answer. */
export function problem(status: number, body: Record<string, unknown> = {}): Response {
  return new Response(JSON.stringify({ status, ...body }), { status, headers: { 'Content-Type': 'application/problem+json' } })
}

export interface FakeFetch<S> {
  /** What each request was, as `record` read it (the request itself by default). */
  sent: S[]
  /** The answer to give; a test sets it before the request. */
  answer: (request: Request) => Response
}

/**
 * Replace the global fetch with a fake that records every request and answers with `answer`.
 * The API client captures fetch when it is created: import the app's modules after this.
 */
export function stubFetch<S = Request>(record: (request: Request) => S | Promise<S> = (request) => request as S): FakeFetch<S> {
  const fake: FakeFetch<S> = { sent: [], answer: () => new Response(null, { status: 500 }) }
  vi.stubGlobal(
    'fetch',
    vi.fn(async (request: Request) => {
      fake.sent.push(await record(request))
      return fake.answer(request)
    }),
  )
  return fake
}

/** An event as GET /events/{id} returns it: a planned network meeting, changed by `overrides`. */
export function eventRead(overrides: Partial<EventRead> = {}): EventRead {
  return {
    id: 7,
    kind: 'network_meeting',
    title: 'Netværksmøde for iværksættere',
    description: '',
    starts_at: '2026-12-03T07:00:00Z',
    ends_at: '2026-12-03T09:00:00Z',
    location: 'Lejre Rådhus',
    status: 'planned',
    capacity: 40,
    expected_participants: null,
    series_id: null,
    series: null,
    headcount: null,
    headcount_pupils: null,
    headcount_companies: null,
    visited_company_id: null,
    mayor_present: false,
    tentative: false,
    plan_key: null,
    is_demo: false,
    initiative_ids: [],
    organizer_ids: [],
    sessions: [],
    counts: { registered: 0, waitlisted: 0, attended: 0, no_show: 0, cancelled: 0, participants: 0 },
    updated_at: '2026-11-20T10:00:00Z',
    ...overrides,
  }
}
