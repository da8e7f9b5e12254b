/** Danish words for the API's codes. Status wording and tones follow the committee report. */
import type { EventKind, EventStatus, GoalStatus, InitiativeStatus, MilestoneState } from './api/types'

export type Tone = 'good' | 'watch' | 'bad' | 'open' | 'none'

export const GOAL_STATUS: Record<GoalStatus, { label: string; tone: Tone; symbol: string }> = {
  achieved: { label: 'Nået', tone: 'good', symbol: '✓' },
  on_track: { label: 'På sporet', tone: 'good', symbol: '↗' },
  at_risk: { label: 'I risiko', tone: 'watch', symbol: '!' },
  off_track: { label: 'Bagud', tone: 'bad', symbol: '✕' },
  no_data: { label: 'Ingen data', tone: 'none', symbol: '–' },
  no_target: { label: 'Intet mål', tone: 'none', symbol: '–' },
  not_started: { label: 'Ikke startet', tone: 'open', symbol: '○' },
  in_progress: { label: 'I gang', tone: 'open', symbol: '◐' },
  done: { label: 'Gennemført', tone: 'good', symbol: '✓' },
  dropped: { label: 'Opgivet', tone: 'none', symbol: '⊘' },
}

/** The statuses in the order a summary lists them. */
export const GOAL_STATUS_ORDER = Object.keys(GOAL_STATUS) as GoalStatus[]

export function isGoalStatus(status: string): status is GoalStatus {
  return Object.prototype.hasOwnProperty.call(GOAL_STATUS, status)
}

export const MILESTONE_STATE: Record<MilestoneState, string> = {
  not_started: 'Ikke startet',
  in_progress: 'I gang',
  done: 'Gennemført',
  dropped: 'Opgivet',
}

export const INITIATIVE_STATUS: Record<InitiativeStatus, string> = {
  planned: 'Planlagt',
  in_progress: 'I gang',
  done: 'Gennemført',
  dropped: 'Opgivet',
}

export const EVENT_KIND: Record<EventKind, string> = {
  theme_meeting: 'Temamøde',
  workshop: 'Workshop',
  development_course: 'Udviklingsforløb',
  entrepreneur_event: 'Iværksætterarrangement',
  network_meeting: 'Netværksmøde',
  conference: 'Konference',
  fair: 'Messe',
  company_visit: 'Virksomhedsbesøg',
  other: 'Andet',
}

export const EVENT_STATUS: Record<EventStatus, string> = {
  planned: 'Planlagt',
  held: 'Afholdt',
  cancelled: 'Aflyst',
}
