/** How the events screens count seats and attendance (the Danish words are in src/labels.ts). */
import type { EventCounts, RegistrationStatus } from './types'

/** The statuses that hold a seat (as the API counts capacity). */
export const SEATED: readonly RegistrationStatus[] = ['registered', 'attended', 'no_show']

export function isSeated(status: RegistrationStatus): boolean {
  return SEATED.includes(status)
}

/** Seats taken: registered, attended and no-show registrations. */
export function seatsTaken(counts: EventCounts): number {
  return counts.registered + counts.attended + counts.no_show
}
