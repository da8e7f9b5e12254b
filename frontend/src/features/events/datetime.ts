/**
 * Event times: the API speaks UTC instants; staff type and read Danish wall-clock time
 * ("2026-03-05T17:00" in a datetime-local input), whatever zone the browser is in.
 */
const TIME_ZONE = 'Europe/Copenhagen'

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

function wallClock(ms: number): WallClock {
  const values: Record<string, number> = {}
  for (const part of parts.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') values[part.type] = Number(part.value)
  }
  return {
    year: values.year ?? 0,
    month: values.month ?? 1,
    day: values.day ?? 1,
    hour: values.hour ?? 0,
    minute: values.minute ?? 0,
    second: values.second ?? 0,
  }
}

/** Minutes Danish time is ahead of UTC at the instant (60 in winter, 120 in summer). */
function offsetMinutes(ms: number): number {
  const w = wallClock(ms)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000)
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** An instant as Danish wall-clock time for a datetime-local input: "2026-03-05T17:00". */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const ms = new Date(iso).getTime()
  if (Number.isNaN(ms)) return ''
  const w = wallClock(ms)
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/

/** Danish wall-clock time ("2026-03-05T17:00" or a day "2026-03-05") as a UTC ISO instant. */
export function fromLocalInput(local: string): string | null {
  const match = LOCAL.exec(local.trim())
  if (!match) return null
  const [, y, mo, d, h, mi] = match
  const guess = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0))
  if (Number.isNaN(guess)) return null
  // The offset at the guess, then at the result: right on both sides of a DST change.
  let ms = guess - offsetMinutes(guess) * 60000
  const second = guess - offsetMinutes(ms) * 60000
  if (second !== ms) ms = second
  return new Date(ms).toISOString()
}

/** The Danish calendar day of an instant: "2026-03-05". */
export function localDay(iso: string): string {
  return toLocalInput(iso).slice(0, 10)
}

/** The Danish wall-clock time of an instant: "17.00". */
export function localTime(iso: string): string {
  return toLocalInput(iso).slice(11, 16).replace(':', '.')
}

/** [start, end) of a plan year, or one of its months, as UTC instants for starts_from/starts_before. */
export function periodBounds(year: number, month: number | null): { from: string; before: string } {
  const first = month ?? 1
  const nextYear = month === null || month === 12 ? year + 1 : year
  const nextMonth = month === null || month === 12 ? 1 : month + 1
  return {
    from: fromLocalInput(`${pad(year, 4)}-${pad(first)}-01`) ?? '',
    before: fromLocalInput(`${pad(nextYear, 4)}-${pad(nextMonth)}-01`) ?? '',
  }
}
