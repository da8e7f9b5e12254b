/** Danish words for the API's codes. Status wording and tones follow the committee report. */
import type { Aggregation, Basis, ContributionKind, EventKind, EventStatus, GoalStatus, InitiativeStatus, MilestoneState } from './api/types'

export type Tone = 'good' | 'watch' | 'bad' | 'open' | 'none'

export const GOAL_STATUS: Record<GoalStatus, { label: string; tone: Tone; symbol: string }> = {
  achieved: { label: 'Nået', tone: 'good', symbol: '✓' },
  on_track: { label: 'På sporet', tone: 'good', symbol: '↗' },
  at_risk: { label: 'I risiko', tone: 'watch', symbol: '!' },
  off_track: { label: 'Bagud', tone: 'bad', symbol: '✕' },
  overdue: { label: 'Overskredet', tone: 'bad', symbol: '⚑' },
  not_due: { label: 'Ikke forfalden', tone: 'none', symbol: '◷' },
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

/** What a goal's expected value rests on, as a phrase after the figure: "Forventet nu 120 (ud fra årshjulet)". */
export const EXPECTED_BASIS: Record<Basis, string> = {
  calendar: 'ud fra årshjulet',
  due_date: 'ud fra forfaldsdatoen',
  monthly_profile: 'ud fra månedsfordelingen',
  even_pace: 'ud fra jævnt tempo',
  monthly_rhythm: 'ud fra månedlig rytme',
}

/** The kinds of record behind a goal's figure ("Vis grundlag"). */
export const CONTRIBUTION_KIND: Record<ContributionKind, string> = {
  event: 'Arrangement',
  grant: 'Tilskud',
  case: 'Sag',
  survey_answer: 'Svar',
  survey_response: 'Besvarelse',
  measurement: 'Måling',
  company: 'Virksomhed',
  note: 'Note',
}

/** How a goal's figure follows from the records that count. */
export const AGGREGATION: Record<Aggregation, string> = {
  sum: 'Tallet er summen af de poster, der tæller med.',
  share: 'Tallet er andelen i procent af de poster, der tæller med, som opfylder kravet (hver tæller 1 eller 0).',
  latest: 'Tallet er den nyeste af de poster, der tæller med.',
  change: 'Tallet er andelen i perioden minus andelen i udgangspunktet, i procentpoint.',
  months: 'Tallet er antallet af forskellige måneder med mindst én post, der tæller med.',
  state: 'Milepælens tilstand er den nyeste notes tilstand.',
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

export const REGISTRATION_STATUS: Record<ApiSchemas['RegistrationStatus'], string> = {
  registered: 'Tilmeldt',
  waitlisted: 'På venteliste',
  attended: 'Mødt op',
  no_show: 'Udeblev',
  cancelled: 'Afmeldt',
}

/** Who a participant is; a goal can count only some types (the career fair's pupils apart). */
export const PARTICIPANT_TYPE: Record<ApiSchemas['ParticipantType'], string> = {
  company_representative: 'Virksomhedsrepræsentant',
  citizen: 'Borger',
  pupil: 'Elev',
  other: 'Andet',
}

/* Grants, case processing and surveys (Tilskud, Sagsbehandling, Tilfredshed). */
import type { components as ApiComponents } from './api/schema'

type ApiSchemas = ApiComponents['schemas']

export const GRANT_THEME: Record<ApiSchemas['GrantTheme'], string> = {
  climate: 'Klima og grøn omstilling',
  digital: 'Digitalisering',
  growth: 'Vækst',
  competence: 'Kompetencer',
  other: 'Andet',
}

export const CASE_KIND: Record<ApiSchemas['CaseKind'], string> = {
  building_permit: 'Byggetilladelser',
  change_of_use: 'Ændret anvendelse',
  demolition: 'Nedrivning',
  other: 'Andre sager',
}

/** An import row's outcome: what a dry run would do, and what an import did. */
export const IMPORT_OUTCOME: Record<ApiSchemas['RowOutcome'], { planned: string; done: string; tone: Tone }> = {
  created: { planned: 'Oprettes', done: 'Oprettet', tone: 'good' },
  updated: { planned: 'Opdateres', done: 'Opdateret', tone: 'open' },
  unchanged: { planned: 'Uændret', done: 'Uændret', tone: 'none' },
  duplicate: { planned: 'Dublet – springes over', done: 'Dublet – sprunget over', tone: 'watch' },
  rejected: { planned: 'Afvises', done: 'Afvist', tone: 'bad' },
}

export const SURVEY_KIND: Record<ApiSchemas['SurveyKind'], string> = {
  baseline: 'Baseline-måling',
  satisfaction: 'Tilfredshedsmåling',
  event_evaluation: 'Evaluering af arrangement',
}

export const QUESTION_KIND: Record<ApiSchemas['QuestionKind'], string> = {
  scale: 'Skala 1–5',
  yes_no: 'Ja/nej',
  free_text: 'Fritekst',
}

/** The survey scale as the import reads it: 1 = meget lille … 5 = meget stor. */
export const SCALE_ANSWER: Record<string, string> = {
  '1': '1 – meget lille',
  '2': '2 – lille',
  '3': '3 – nogen',
  '4': '4 – stor',
  '5': '5 – meget stor',
  ja: 'Ja',
  nej: 'Nej',
}

/* Admin: API token scopes, the audit log's actors, actions and objects. */

/** What each permission lets a machine client do; the keys are the API's Scope enum. */
export const SCOPE_LABELS: Record<import('./api/schema').components['schemas']['Scope'], { label: string; hint: string }> = {
  read: { label: 'Læse', hint: 'Planer, fremdrift, arrangementer og samlede tal (ingen personoplysninger).' },
  'personal:read': { label: 'Læse personoplysninger', hint: 'Navne og kontaktdata på deltagere og kontaktpersoner.' },
  write: { label: 'Skrive', hint: 'Plandata, arrangementer, tilmeldinger, målinger og importer.' },
  'grants:write': { label: 'Importere tilskud', hint: 'Tilskudsoversigten fra erhvervshuset.' },
  'cases:write': { label: 'Indsende sager', hint: 'Sagsbehandlingssystemets sager.' },
  admin: { label: 'Administration', hint: 'Brugere, API-nøgler og revisionslog. Kan ikke gives til API-nøgler.' },
}

export const ACTOR_KIND_LABELS: Record<import('./api/schema').components['schemas']['ActorKind'], string> = {
  user: 'Bruger',
  token: 'API-nøgle',
  system: 'Systemet',
}

/** The audit log's actions; others are shown as the API writes them. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  create: 'Oprettet',
  update: 'Ændret',
  delete: 'Slettet',
  export: 'Eksporteret',
  erase: 'Anonymiseret',
  import: 'Importeret',
  ingest: 'Indsendt',
}

/** The audit log's objects (the API names them by table); others are shown as written. */
export const AUDIT_ENTITY_LABELS: Record<string, string> = {
  action_plans: 'Handlingsplan',
  strategies: 'Strategi',
  tracks: 'Spor',
  objectives: 'Målsætning',
  initiatives: 'Indsats',
  goals: 'Mål',
  goal_targets: 'Årsmål',
  measurements: 'Måling',
  milestone_notes: 'Milepælsnote',
  organizations: 'Organisation',
  companies: 'Virksomhed',
  people: 'Person',
  events: 'Arrangement',
  event_series: 'Arrangementsserie',
  event_sessions: 'Arrangementsdag',
  registrations: 'Tilmelding',
  grants: 'Tilskud',
  grant_programmes: 'Tilskudsprogram',
  grant_imports: 'Tilskudsimport',
  grant_import: 'Tilskudsimport',
  cases: 'Sag',
  case: 'Sag',
  case_batch: 'Sagsindsendelse',
  case_targets: 'Mål for sagsbehandling',
  surveys: 'Undersøgelse',
  survey_questions: 'Spørgsmål',
  survey_responses: 'Besvarelse',
  survey_answers: 'Svar',
  survey_imports: 'Undersøgelsesimport',
  survey_import: 'Undersøgelsesimport',
  users: 'Bruger',
  api_tokens: 'API-nøgle',
}
