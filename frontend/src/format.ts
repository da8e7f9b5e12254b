/** Danish (da-DK) numbers, amounts, percentages and dates, as the plan writes them. */
import type { Direction, Pace, Unit } from './api/types'

const LOCALE = 'da-DK'
const TIME_ZONE = 'Europe/Copenhagen'
/** Intl puts a no-break space between a number and its unit; so do we. */
const NBSP = '\u00a0'
export const NO_VALUE = '–'

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 })
const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 })
const exact = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 6 })
const dayFormat = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
const monthFormat = new Intl.DateTimeFormat(LOCALE, { month: 'short', year: 'numeric', timeZone: 'UTC' })
const monthOnlyFormat = new Intl.DateTimeFormat(LOCALE, { month: 'short', timeZone: 'UTC' })
const zonedDayFormat = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone: TIME_ZONE })
const timeFormat = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE })

function missing(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || Number.isNaN(value)
}

/** 1966 → "1.966"; 10.88 → "10,9". */
export function formatNumber(value: number | null | undefined): string {
  return missing(value) ? NO_VALUE : decimal.format(value)
}

/** A number for an input field, without rounding: 2720547.95 → "2.720.547,95". */
export function formatInputNumber(value: number | null | undefined): string {
  return missing(value) ? '' : exact.format(value)
}

/** 2242000 → "2.242.000 kr." (whole kroner). */
export function formatAmount(value: number | null | undefined): string {
  return missing(value) ? NO_VALUE : `${integer.format(value)}${NBSP}kr.`
}

/** A value already in percent: 65 → "65 %", 61.1 → "61,1 %". */
export function formatPercent(value: number | null | undefined): string {
  return missing(value) ? NO_VALUE : `${decimal.format(value)}${NBSP}%`
}

/** A goal's value in its unit. */
export function formatValue(value: number | null | undefined, unit: Unit | null | undefined): string {
  if (unit === 'dkk') return formatAmount(value)
  if (unit === 'percent') return formatPercent(value)
  return formatNumber(value)
}

/** A value that is counted in whole units shown whole (an expected 2,4 meetings → "2"); others as formatValue. */
export function formatWhole(value: number | null | undefined, unit: Unit | null | undefined): string {
  if (unit === 'count' || unit === null || unit === undefined) return missing(value) ? NO_VALUE : integer.format(value)
  return formatValue(value, unit)
}

/** What a goal's target says, as the API's own explanations write it. */
export interface TargetText {
  target: number | null
  target_upper?: number | null
  unit: Unit | null
  direction?: Direction | null
  pace?: Pace | null
}

/** "6", "3–4", "60–70 %", "mere end 80 %", "højst 50", "hver måned" (a monthly rhythm has no number). */
export function formatTarget(goal: TargetText): string {
  if (goal.target === null || Number.isNaN(goal.target)) return goal.pace === 'monthly' ? 'hver måned' : NO_VALUE
  if (goal.target_upper !== null && goal.target_upper !== undefined) {
    const least = goal.unit === 'dkk' ? integer.format(goal.target) : decimal.format(goal.target)
    return `${least}–${formatValue(goal.target_upper, goal.unit)}`
  }
  const text = formatValue(goal.target, goal.unit)
  if (goal.direction === 'more_than') return `mere end ${text}`
  if (goal.direction === 'at_most') return `højst ${text}`
  return text
}

/** A number of things with the noun in the right form: "1 arrangement", "120 arrangementer". */
export function formatCount(count: number, singular: string, plural: string): string {
  return `${integer.format(count)} ${count === 1 ? singular : plural}`
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_MONTH = /^(\d{4})-(\d{2})$/

/** A calendar day "2026-11-26" → "26. nov. 2026"; a timestamp is shown as its day in Denmark. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return NO_VALUE
  const day = ISO_DAY.exec(value)
  if (day) return dayFormat.format(new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))))
  const moment = new Date(value)
  return Number.isNaN(moment.getTime()) ? value : zonedDayFormat.format(moment)
}

/** A timestamp → "3. maj 2026 kl. 18.00" in Danish time. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return NO_VALUE
  const moment = new Date(value)
  if (Number.isNaN(moment.getTime())) return value
  return `${zonedDayFormat.format(moment)} kl. ${timeFormat.format(moment)}`
}

/** A month period "2026-03" → "mar. 2026" (or "mar." without the year). */
export function formatMonth(period: string, withYear = true): string {
  const month = ISO_MONTH.exec(period)
  if (!month) return period
  const first = new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1))
  return (withYear ? monthFormat : monthOnlyFormat).format(first)
}

/** Today as ISO "YYYY-MM-DD" in Danish time (for date inputs). */
export function todayIso(now: Date = new Date()): string {
  // Swedish writes dates as ISO; the day is taken in Copenhagen, not the browser's zone.
  return new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE }).format(now)
}

/** Parse a number as a Danish user types it: "2.242.000", "61,5", "1 500". NaN if it is none. */
export function parseDanishNumber(text: string): number {
  const cleaned = text.trim().replace(/[\s\u00a0]/g, '')
  if (!/^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(cleaned)) return Number.NaN
  return Number(cleaned.replace(/\./g, '').replace(',', '.'))
}

/** End a sentence with a full stop, unless it ends with one already ("… 3.000.000 kr."). */
export function sentence(text: string): string {
  const trimmed = text.trim()
  return !trimmed || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}
