import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { dayAngle, dayIndex, daysInYear, levelOffset, monthSegments, polar, ringSegmentPath, spreadLevels } from '../src/features/calendar/wheel'
import { calendarEvents, lastDay } from '../src/features/calendar/calendar'
import YearWheel from '../src/features/calendar/YearWheel.vue'
import type { CalendarEvent, PlanCalendar } from '../src/features/events/types'

describe('the wheel: a date as an angle', () => {
  it('counts days of the year from 1 January, leap years included', () => {
    expect(daysInYear(2026)).toBe(365)
    expect(daysInYear(2028)).toBe(366)
    expect(daysInYear(2100)).toBe(365)
    expect(dayIndex('2026-01-01', 2026)).toBe(0)
    expect(dayIndex('2026-03-01', 2026)).toBe(59)
    expect(dayIndex('2028-03-01', 2028)).toBe(60)
    expect(dayIndex('2026-12-31', 2026)).toBe(364)
  })

  it('places a day at its middle, clockwise from the top', () => {
    expect(dayAngle('2026-01-01', 2026)).toBeCloseTo((0.5 / 365) * 360, 6)
    expect(dayAngle('2026-07-02', 2026)).toBeCloseTo((182.5 / 365) * 360, 6) // just past half a turn
    expect(dayAngle('2026-12-31', 2026)).toBeCloseTo(360 - (0.5 / 365) * 360, 6)
  })

  it('clamps days outside the year to its first and last day', () => {
    expect(dayAngle('2025-12-31', 2026)).toBe(dayAngle('2026-01-01', 2026))
    expect(dayAngle('2027-01-05', 2026)).toBe(dayAngle('2026-12-31', 2026))
  })
})

describe('the wheel: month segments', () => {
  it('are twelve, contiguous, as wide as their days, and a full turn together', () => {
    const segments = monthSegments(2026)
    expect(segments).toHaveLength(12)
    expect(segments[0]!.start).toBe(0)
    expect(segments[11]!.end).toBeCloseTo(360, 9)
    segments.slice(1).forEach((segment, i) => expect(segment.start).toBeCloseTo(segments[i]!.end, 9))
    expect(segments[0]!.end).toBeCloseTo((31 / 365) * 360, 9) // January
    expect(segments[1]!.end - segments[1]!.start).toBeCloseTo((28 / 365) * 360, 9) // February
    expect(monthSegments(2028)[1]!.end - monthSegments(2028)[1]!.start).toBeCloseTo((29 / 366) * 360, 9)
  })

  it('hold every day of their month, and only those', () => {
    const segments = monthSegments(2026)
    for (const [day, month] of [['2026-01-31', 1], ['2026-02-01', 2], ['2026-06-30', 6], ['2026-07-01', 7], ['2026-11-26', 11], ['2026-12-31', 12]] as const) {
      const angle = dayAngle(day, 2026)
      const segment = segments.find((s) => angle >= s.start && angle < s.end)
      expect(segment?.month, day).toBe(month)
    }
  })

  it('turns angles into SVG points and ring paths (0° up, 90° right)', () => {
    expect(polar(200, 200, 100, 0)).toEqual({ x: 200, y: 100 })
    expect(polar(200, 200, 100, 90)).toEqual({ x: 300, y: 200 })
    expect(polar(200, 200, 100, 180)).toEqual({ x: 200, y: 300 })
    expect(ringSegmentPath(200, 200, 80, 100, 0, 90)).toBe('M 200 100 A 100 100 0 0 1 300 200 L 280 200 A 80 80 0 0 0 200 120 Z')
  })
})

describe('the wheel: marks that do not overlap', () => {
  it('gives marks closer than the gap the next free level, alternating out and in', () => {
    expect(spreadLevels([10, 11, 12, 30, 30.5], 3)).toEqual([0, 1, 2, 0, 1])
    expect([0, 1, 2, 3, 4].map(levelOffset)).toEqual([0, 1, -1, 2, -2])
  })
})

function event(overrides: Partial<CalendarEvent>): CalendarEvent {
  return {
    id: 1,
    title: 'Temamøde',
    kind: 'theme_meeting',
    status: 'planned',
    starts_at: '2026-03-05T16:00:00Z',
    ends_at: '2026-03-05T18:00:00Z',
    tentative: false,
    series_id: null,
    series: null,
    location: null,
    participants: 0,
    initiative_codes: [],
    is_demo: false,
    ...overrides,
  }
}

function calendar(): PlanCalendar {
  const months = Array.from({ length: 12 }, (_, i) => ({
    month: i + 1,
    name: ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'][i]!,
    groups: { events: [] as CalendarEvent[], entrepreneurs: [] as CalendarEvent[], courses: [] as CalendarEvent[] },
  }))
  // 31 January 23.30 UTC is 1 February in Denmark: the API files it under February.
  months[1]!.groups.events.push(event({ id: 1, starts_at: '2026-01-31T23:30:00Z', ends_at: '2026-02-01T01:00:00Z' }))
  months[2]!.groups.entrepreneurs.push(event({ id: 2, kind: 'entrepreneur_event', title: 'Iværksættercafé', starts_at: '2026-03-10T16:00:00Z' }))
  months[4]!.groups.events.push(
    event({ id: 3, kind: 'conference', title: 'Erhvervskonference', tentative: true, starts_at: '2026-04-30T22:00:00Z', ends_at: '2026-05-31T22:00:00Z' }),
  )
  months[10]!.groups.courses.push(event({ id: 4, kind: 'development_course', title: 'Vækstforløb', starts_at: '2026-11-26T08:00:00Z' }))
  return {
    year: 2026,
    groups: [
      { key: 'events', label: 'Temamøder og events' },
      { key: 'entrepreneurs', label: 'Iværksætterarrangementer' },
      { key: 'courses', label: 'Udviklingsforløb' },
    ],
    months,
  }
}

describe('calendarEvents', () => {
  it('flattens the months with each event’s legend group and its Danish day', () => {
    const events = calendarEvents(calendar())
    expect(events.map((e) => [e.id, e.group, e.day, e.month])).toEqual([
      [1, 'events', '2026-02-01', 2],
      [2, 'entrepreneurs', '2026-03-10', 3],
      [3, 'events', '2026-05-01', 5],
      [4, 'courses', '2026-11-26', 11],
    ])
    expect(events[2]!.endDay).toBe('2026-05-31') // the period ends at midnight: the day before counts
  })

  it('takes an end at midnight as the day before', () => {
    expect(lastDay({ starts_at: '2026-04-30T22:00:00Z', ends_at: '2026-05-31T22:00:00Z' })).toBe('2026-05-31')
    expect(lastDay({ starts_at: '2026-03-05T16:00:00Z', ends_at: '2026-03-05T18:00:00Z' })).toBe('2026-03-05')
  })
})

describe('YearWheel', () => {
  const data = calendar()
  const wrapper = mount(YearWheel, {
    props: { year: 2026, events: calendarEvents(data), groups: data.groups, today: '2026-11-27', summary: 'Flest i marts (1).' },
  })

  it('is one image with a title and a description saying what it shows', () => {
    const svg = wrapper.get('svg')
    expect(svg.attributes('role')).toBe('img')
    const titleId = svg.attributes('aria-labelledby')
    const descId = svg.attributes('aria-describedby')
    expect(wrapper.get(`[id="${titleId}"]`).text()).toBe('Årshjul 2026')
    const desc = wrapper.get(`[id="${descId}"]`).text()
    expect(desc).toContain('4 arrangementer i alt: 2 temamøder og events, 1 iværksætterarrangementer, 1 udviklingsforløb.')
    expect(desc).toContain('Flest i marts (1).')
    expect(desc).toContain('i dag, 27. nov. 2026')
  })

  it('draws twelve month segments with their names and one mark per event', () => {
    expect(wrapper.findAll('.wheel__months path')).toHaveLength(12)
    expect(wrapper.findAll('.wheel__month-label').map((t) => t.text())).toEqual([
      'jan.', 'feb.', 'mar.', 'apr.', 'maj', 'jun.', 'jul.', 'aug.', 'sep.', 'okt.', 'nov.', 'dec.',
    ])
    const marks = wrapper.findAll('.wheel__mark')
    expect(marks).toHaveLength(4)
    expect(marks.map((m) => m.find('title').text())).toContain('26. nov. 2026: Vækstforløb (Udviklingsforløb)')
  })

  it('puts a mark at its day’s angle on its group’s lane', () => {
    // The course (inner lane, radius 80) on 26 November: centre (220, 220).
    const course = wrapper.findAll('.wheel__mark').find((m) => m.find('title').text().includes('Vækstforløb'))!
    const rect = course.get('rect')
    const expected = polar(220, 220, 80, dayAngle('2026-11-26', 2026))
    expect(Number(rect.attributes('x')) + 4.5).toBeCloseTo(expected.x, 1)
    expect(Number(rect.attributes('y')) + 4.5).toBeCloseTo(expected.y, 1)
    // The tentative conference: a hollow circle with a dashed arc over its period.
    const conference = wrapper.findAll('.wheel__mark').find((m) => m.find('title').text().includes('Erhvervskonference'))!
    expect(conference.get('circle').attributes('fill')).toBe('#fff')
    expect(conference.find('.wheel__span').exists()).toBe(true)
  })
})
