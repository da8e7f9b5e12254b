/**
 * The annual wheel's geometry: a day of the year as an angle (0° at the top, clockwise, a
 * full turn per year), the months as ring segments, and marks spread so that none overlap.
 */

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})/

/** The 0-based day of the year of "YYYY-MM-DD"; days outside the year are clamped into it. */
export function dayIndex(day: string, year: number): number {
  const match = ISO_DAY.exec(day)
  if (!match) return 0
  const moment = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  const index = Math.round((moment - Date.UTC(year, 0, 1)) / 86_400_000)
  return Math.min(Math.max(index, 0), daysInYear(year) - 1)
}

/** The angle of a day's middle: 1 January is just past 0°, 31 December just short of 360°. */
export function dayAngle(day: string, year: number): number {
  return ((dayIndex(day, year) + 0.5) / daysInYear(year)) * 360
}

export interface MonthSegment {
  /** 1–12. */
  month: number
  start: number
  end: number
  mid: number
}

/** The twelve months as [start, end) angles; each as wide as its days, together a full turn. */
export function monthSegments(year: number): MonthSegment[] {
  const days = daysInYear(year)
  return Array.from({ length: 12 }, (_, i) => {
    const first = (Date.UTC(year, i, 1) - Date.UTC(year, 0, 1)) / 86_400_000
    const next = (Date.UTC(year, i + 1, 1) - Date.UTC(year, 0, 1)) / 86_400_000
    const start = (first / days) * 360
    const end = (next / days) * 360
    return { month: i + 1, start, end, mid: (start + end) / 2 }
  })
}

export interface Point {
  x: number
  y: number
}

/** A point at `radius` from the centre at `angle` degrees (0° up, clockwise as a clock). */
export function polar(cx: number, cy: number, radius: number, angle: number): Point {
  const radians = ((angle - 90) * Math.PI) / 180
  return { x: round(cx + radius * Math.cos(radians)), y: round(cy + radius * Math.sin(radians)) }
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

/** The SVG path of a ring segment between two radii and two angles (clockwise). */
export function ringSegmentPath(cx: number, cy: number, inner: number, outer: number, start: number, end: number): string {
  const large = end - start > 180 ? 1 : 0
  const a = polar(cx, cy, outer, start)
  const b = polar(cx, cy, outer, end)
  const c = polar(cx, cy, inner, end)
  const d = polar(cx, cy, inner, start)
  return [
    `M ${a.x} ${a.y}`,
    `A ${outer} ${outer} 0 ${large} 1 ${b.x} ${b.y}`,
    `L ${c.x} ${c.y}`,
    `A ${inner} ${inner} 0 ${large} 0 ${d.x} ${d.y}`,
    'Z',
  ].join(' ')
}

/**
 * Levels for marks on one lane so that marks closer than `minGap` degrees do not overlap:
 * each mark takes the lowest level free at its angle. Level 0 is the lane itself; the caller
 * turns levels into radii (0, +1, −1, +2, … steps).
 */
export function spreadLevels(angles: readonly number[], minGap: number): number[] {
  const placed: { angle: number; level: number }[] = []
  return angles.map((angle) => {
    let level = 0
    while (placed.some((p) => p.level === level && Math.abs(p.angle - angle) < minGap)) level++
    placed.push({ angle, level })
    return level
  })
}

/** A level's offset from the lane in steps: 0, +1, −1, +2, −2 … */
export function levelOffset(level: number): number {
  return level === 0 ? 0 : level % 2 === 1 ? (level + 1) / 2 : -level / 2
}
