/** Short names for the generated event, registration and calendar types (aliases only). */
import type { components } from '../../api/schema'

type Schemas = components['schemas']

export type EventRead = Schemas['EventRead']
export type EventCreate = Schemas['EventCreate']
export type EventUpdate = Schemas['EventUpdate']
export type EventKind = Schemas['EventKind']
export type EventStatus = Schemas['EventStatus']
export type EventCounts = Schemas['EventCounts']
export type SessionIn = Schemas['SessionIn']
export type RegistrationDetail = Schemas['RegistrationDetail']
export type RegistrationCreate = Schemas['RegistrationCreate']
export type RegistrationStatus = Schemas['RegistrationStatus']
export type CheckInResult = Schemas['CheckInResult']
export type PersonRead = Schemas['PersonRead']
export type CompanyRead = Schemas['CompanyRead']
export type PlanCalendar = Schemas['PlanCalendar']
export type CalendarEvent = Schemas['CalendarEvent']
export type CalendarGroup = Schemas['CalendarGroup']
export type CalendarGroupRead = Schemas['CalendarGroupRead']
export type CalendarMonth = Schemas['CalendarMonth']
