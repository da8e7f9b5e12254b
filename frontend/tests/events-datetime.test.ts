import { describe, expect, it } from 'vitest'
import { fromLocalInput, localDay, periodBounds, toLocalInput } from '../src/features/events/datetime'
import { buildEvent, changedFields, emptyValues, valuesOf } from '../src/features/events/eventForm'
import { eventWhen } from '../src/features/events/when'
import type { EventRead } from '../src/features/events/types'

describe('Danish wall-clock time and UTC', () => {
  it('reads an instant as Danish time, winter and summer', () => {
    expect(toLocalInput('2026-03-05T16:00:00Z')).toBe('2026-03-05T17:00')
    expect(toLocalInput('2026-07-01T10:00:00Z')).toBe('2026-07-01T12:00')
    expect(toLocalInput('2026-01-31T23:30:00Z')).toBe('2026-02-01T00:30')
    expect(localDay('2026-12-31T23:00:00Z')).toBe('2027-01-01')
  })

  it('sends Danish time as UTC, on both sides of a DST change', () => {
    expect(fromLocalInput('2026-03-05T17:00')).toBe('2026-03-05T16:00:00.000Z')
    expect(fromLocalInput('2026-07-01T12:00')).toBe('2026-07-01T10:00:00.000Z')
    expect(fromLocalInput('2026-03-29T01:30')).toBe('2026-03-29T00:30:00.000Z') // before the clocks go forward
    expect(fromLocalInput('2026-03-29T04:00')).toBe('2026-03-29T02:00:00.000Z') // after
    expect(fromLocalInput('2026-03-05')).toBe('2026-03-04T23:00:00.000Z')
    expect(fromLocalInput('5/3 2026')).toBeNull()
  })

  it('bounds a plan year or month in Danish days', () => {
    expect(periodBounds(2026, null)).toEqual({ from: '2025-12-31T23:00:00.000Z', before: '2026-12-31T23:00:00.000Z' })
    expect(periodBounds(2026, 7)).toEqual({ from: '2026-06-30T22:00:00.000Z', before: '2026-07-31T22:00:00.000Z' })
    expect(periodBounds(2026, 12).before).toBe('2026-12-31T23:00:00.000Z')
  })

  it('writes an event’s time as staff read it', () => {
    expect(eventWhen({ starts_at: '2026-03-05T16:00:00Z', ends_at: '2026-03-05T18:00:00Z', tentative: false })).toBe('5. mar. 2026 kl. 17.00–19.00')
    expect(eventWhen({ starts_at: '2026-04-30T22:00:00Z', ends_at: '2026-05-31T22:00:00Z', tentative: true })).toBe(
      '1. maj 2026 – 31. maj 2026 (dato ikke fastlagt)',
    )
  })
})

describe('buildEvent', () => {
  it('asks for what is missing or wrong, by the API’s field names', () => {
    const result = buildEvent({ ...emptyValues(), capacity: '0', startsAt: '2026-03-05T17:00', endsAt: '2026-03-05T16:00' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual({
      title: 'Skriv arrangementets titel.',
      ends_at: 'Slut kan ikke være før start.',
      capacity: 'Skriv et helt tal på mindst 1, eller lad feltet stå tomt (ingen grænse).',
    })
  })

  it('builds the body in UTC and leaves company-visit fields out of other kinds', () => {
    const result = buildEvent({
      ...emptyValues(),
      title: ' Temamøde om eksport ',
      startsAt: '2026-03-05T17:00',
      endsAt: '2026-03-05T19:00',
      capacity: '1.500',
      mayorPresent: true,
      initiativeIds: [9, 3],
    })
    expect(result.ok && result.body).toMatchObject({
      title: 'Temamøde om eksport',
      starts_at: '2026-03-05T16:00:00.000Z',
      ends_at: '2026-03-05T18:00:00.000Z',
      capacity: 1500,
      mayor_present: false,
      visited_company_id: null,
      initiative_ids: [3, 9],
      location: null,
    })
  })

  it('sends only what changed when editing', () => {
    const event = {
      id: 5, kind: 'workshop', title: 'Workshop', description: '', starts_at: '2026-03-05T16:00:00Z', ends_at: '2026-03-05T18:00:00Z',
      location: 'Rådhuset', status: 'planned', capacity: 20, expected_participants: null, is_demo: false, series_id: null, series: null, headcount: null, headcount_pupils: null, headcount_companies: null,
      visited_company_id: null, mayor_present: false, tentative: false, plan_key: null, initiative_ids: [2, 1], organizer_ids: [],
      sessions: [], counts: { registered: 0, waitlisted: 0, attended: 0, no_show: 0, cancelled: 0, participants: 0 }, updated_at: '2026-01-01T00:00:00Z',
    } satisfies EventRead
    const before = buildEvent(valuesOf(event))
    const after = buildEvent({ ...valuesOf(event), capacity: '25', endsAt: '2026-03-05T20:00' })
    expect(before.ok && after.ok && changedFields(before.body, after.body)).toEqual({ capacity: 25, ends_at: '2026-03-05T19:00:00.000Z' })
  })
})
