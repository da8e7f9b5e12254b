/** One goal's editing: read with ETag, PATCH with If-Match, measurements, milestone notes and written statuses. */
import type { Ref } from 'vue'
import { api, ifMatch, unwrap, unwrapWithEtag } from '../../api/client'
import type { GoalCommentCreate, GoalRead, GoalUpdate, MeasurementCreate, MilestoneNoteCreate } from '../../api/types'
import { useResource } from '../../composables/useResource'

export interface EditableGoal {
  goal: GoalRead
  etag: string | null
}

export async function fetchGoal(goalId: number): Promise<EditableGoal> {
  const { data, etag } = await unwrapWithEtag(
    api.GET('/api/v1/goals/{goal_id}', { params: { path: { goal_id: goalId } } }),
  )
  return { goal: data, etag }
}

export async function updateGoal(goalId: number, etag: string | null, changes: GoalUpdate): Promise<EditableGoal> {
  const { data, etag: next } = await unwrapWithEtag(
    api.PATCH('/api/v1/goals/{goal_id}', {
      params: { path: { goal_id: goalId }, header: ifMatch(etag) },
      body: changes,
    }),
  )
  return { goal: data, etag: next }
}

export async function fetchMeasurements(goalId: number) {
  const page = await unwrap(
    api.GET('/api/v1/goals/{goal_id}/measurements', { params: { path: { goal_id: goalId }, query: { limit: 500 } } }),
  )
  return page.items
}

export function addMeasurement(goalId: number, body: MeasurementCreate) {
  return unwrap(api.POST('/api/v1/goals/{goal_id}/measurements', { params: { path: { goal_id: goalId } }, body }))
}

export function deleteMeasurement(measurementId: number) {
  return unwrap(
    api.DELETE('/api/v1/measurements/{measurement_id}', { params: { path: { measurement_id: measurementId } } }),
  )
}

export async function fetchMilestoneNotes(goalId: number) {
  const page = await unwrap(
    api.GET('/api/v1/goals/{goal_id}/milestone-notes', { params: { path: { goal_id: goalId }, query: { limit: 500 } } }),
  )
  return page.items
}

export function addMilestoneNote(goalId: number, body: MilestoneNoteCreate) {
  return unwrap(api.POST('/api/v1/goals/{goal_id}/milestone-notes', { params: { path: { goal_id: goalId } }, body }))
}

/** Write a dated status on a goal (the newest by the evaluation date is shown with its progress). */
export function addComment(goalId: number, body: GoalCommentCreate) {
  return unwrap(api.POST('/api/v1/goals/{goal_id}/comments', { params: { path: { goal_id: goalId } }, body }))
}

/** A goal's recorded history: its measurements (measurable) or its dated notes (milestone). */
export function useGoalHistory(goal: Ref<Pick<GoalRead, 'id' | 'kind'>>) {
  const measurements = useResource(
    () => (goal.value.kind === 'measurable' ? fetchMeasurements(goal.value.id) : Promise.resolve([])),
    [() => goal.value.id, () => goal.value.kind],
  )
  const notes = useResource(
    () => (goal.value.kind === 'milestone' ? fetchMilestoneNotes(goal.value.id) : Promise.resolve([])),
    [() => goal.value.id, () => goal.value.kind],
  )
  return { measurements, notes }
}
