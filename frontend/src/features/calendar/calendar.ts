/** The annual wheel's data: the calendar's events flattened, each with its legend group and day. */
import { localDay } from '../events/datetime'
import type { CalendarEvent, CalendarGroup, PlanCalendar } from '../events/types'

export type MarkShape = 'circle' | 'diamond' | 'square'

/**
 * Colour and shape per legend group: each colour has ≥ 4.5:1 contrast on white and on the
 * wheel's month fills, and the shapes tell the groups apart without colour.
 */
export const GROUP_STYLE: Record<CalendarGroup, { color: string; shape: MarkShape; symbol: string }> = {
  events: { color: '#1b4a8a', shape: 'circle', symbol: '●' },
  entrepreneurs: { color: '#a13f00', shape: 'diamond', symbol: '◆' },
  courses: { color: '#17622f', shape: 'square', symbol: '■' },
}

/** The API's legend keys in the plan's order, as a fallback when it sends no legend. */
export const GROUP_ORDER: readonly CalendarGroup[] = ['events', 'entrepreneurs', 'courses']

export interface WheelEvent extends CalendarEvent {
  group: CalendarGroup
  /** The Danish day the event starts ("2026-03-05"): where its mark is drawn. */
  day: string
  /** The last Danish day it spans; for a tentative event the end of the period it may fall in. */
  endDay: string
  month: number
}

/** The last day an event spans (an end at midnight belongs to the day before). */
export function lastDay(event: Pick<CalendarEvent, 'starts_at' | 'ends_at'>): string {
  const end = new Date(event.ends_at).getTime()
  const start = new Date(event.starts_at).getTime()
  return localDay(new Date(Math.max(start, end - 1)).toISOString())
}

/** Every event of the calendar, month by month and within a month by start time. */
export function calendarEvents(calendar: PlanCalendar): WheelEvent[] {
  return calendar.months.flatMap((month) =>
    GROUP_ORDER.flatMap((group) =>
      month.groups[group].map((event) => ({ ...event, group, day: localDay(event.starts_at), endDay: lastDay(event), month: month.month })),
    ).sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.id - b.id),
  )
}
