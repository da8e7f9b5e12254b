/** Short names for the generated API types (aliases only: the schema is the source of truth). */
import type { components } from './schema'

type Schemas = components['schemas']

export type Me = Schemas['Me']
export type Role = Schemas['Role']
export type PlanRead = Schemas['PlanRead']
export type PlanDetail = Schemas['PlanDetail']
export type PlanProgress = Schemas['PlanProgress']
export type TrackProgress = Schemas['TrackProgress']
export type InitiativeProgress = Schemas['InitiativeProgress']
export type GoalProgress = Schemas['GoalProgress']
export type SeriesPoint = Schemas['SeriesPoint']
export type StatusCounts = Schemas['StatusCounts']
export type Unit = Schemas['Unit']
export type Direction = Schemas['Direction']
export type Pace = Schemas['Pace']
export type Basis = Schemas['Basis']
export type GoalComment = Schemas['Comment']
export type GoalCommentRead = Schemas['GoalCommentRead']
export type GoalCommentCreate = Schemas['GoalCommentCreate']
export type GoalTarget = Schemas['Target']
export type TargetSpec = Schemas['TargetSpec']
export type DemoStatus = Schemas['DemoStatus']
export type GoalContributions = Schemas['GoalContributions']
export type ContributionRead = Schemas['ContributionRead']
export type ContributionKind = ContributionRead['kind']
export type Aggregation = GoalContributions['aggregation']
export type InitiativeRead = Schemas['InitiativeRead']
export type InitiativeDetail = Schemas['InitiativeDetail']
export type InitiativeUpdate = Schemas['InitiativeUpdate']
export type InitiativeStatus = Schemas['InitiativeStatus']
export type OrganizationRead = Schemas['OrganizationRead']
export type GoalRead = Schemas['GoalRead']
export type GoalUpdate = Schemas['GoalUpdate']
export type MeasurementRead = Schemas['MeasurementRead']
export type MeasurementCreate = Schemas['MeasurementCreate']
export type MilestoneNoteRead = Schemas['MilestoneNoteRead']
export type MilestoneNoteCreate = Schemas['MilestoneNoteCreate']
export type MilestoneState = Schemas['MilestoneState']
export type EventRead = Schemas['EventRead']
export type EventKind = Schemas['EventKind']
export type EventStatus = Schemas['EventStatus']
export type CaseMetrics = Schemas['CaseMetrics']

/**
 * Every status a goal can have. The API types `GoalProgress.status` as a plain string, so the
 * set is taken from the keys of `StatusCounts`, which counts goals by exactly these statuses.
 */
export type GoalStatus = Exclude<keyof StatusCounts, 'total'>
