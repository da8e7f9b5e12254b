/** An event's time as staff read it: "5. mar. 2026 kl. 17.00–19.00", or a period when not fixed. */
import { formatDate } from '../../format'
import { localDay, localTime } from './datetime'

export function eventWhen(event: { starts_at: string; ends_at: string; tentative: boolean }): string {
  const startDay = localDay(event.starts_at)
  const end = new Date(Math.max(new Date(event.starts_at).getTime(), new Date(event.ends_at).getTime() - (event.tentative ? 1 : 0)))
  const endDay = localDay(end.toISOString())
  if (event.tentative) {
    return startDay === endDay
      ? `${formatDate(startDay)} (tidspunkt ikke fastlagt)`
      : `${formatDate(startDay)} – ${formatDate(endDay)} (dato ikke fastlagt)`
  }
  if (startDay === endDay) return `${formatDate(startDay)} kl. ${localTime(event.starts_at)}–${localTime(event.ends_at)}`
  return `${formatDate(startDay)} kl. ${localTime(event.starts_at)} – ${formatDate(endDay)} kl. ${localTime(event.ends_at)}`
}
