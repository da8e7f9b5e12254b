/** Surveys: the list, one survey with its results and imports, creating one, importing answers. */
import type { Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'
import { importForm } from '../../composables/useFileImport'
import { useResource } from '../../composables/useResource'

type Schemas = components['schemas']
export type SurveyRead = Schemas['SurveyRead']
export type SurveyCreate = Schemas['SurveyCreate']
export type SurveyKind = Schemas['SurveyKind']
export type QuestionKind = Schemas['QuestionKind']
export type QuestionResult = Schemas['QuestionResult']
export type SurveyResults = Schemas['SurveyResults']
export type SurveyImportReport = Schemas['SurveyImportReport']

export interface SurveyFilters {
  year: number | null
  kind: SurveyKind | null
}

export const SURVEY_PAGE_SIZE = 25

/** The columns a survey import reads besides the questions. */
export const SURVEY_META_FIELDS: { key: string; label: string }[] = [
  { key: 'respondent', label: 'Svar-ID' },
  { key: 'submitted_on', label: 'Besvaret (dato)' },
]

export function useSurveyList(filters: Ref<SurveyFilters>, page: Ref<number>) {
  return useResource(() => {
    const { year, kind } = filters.value
    const query = {
      limit: SURVEY_PAGE_SIZE,
      offset: page.value * SURVEY_PAGE_SIZE,
      ...(year !== null ? { year } : {}),
      ...(kind !== null ? { kind } : {}),
    }
    return unwrap(api.GET('/api/v1/surveys', { params: { query } }))
  }, [filters, page])
}

export function useSurvey(id: Ref<number>) {
  return useResource(() => unwrap(api.GET('/api/v1/surveys/{survey_id}', { params: { path: { survey_id: id.value } } })), [id])
}

export function fetchSurveyResults(surveyId: number): Promise<SurveyResults> {
  return unwrap(api.GET('/api/v1/surveys/{survey_id}/results', { params: { path: { survey_id: surveyId } } }))
}

export function useSurveyResults(id: Ref<number>) {
  return useResource(() => fetchSurveyResults(id.value), [id])
}

export function useSurveyImports(id: Ref<number>) {
  return useResource(
    () => unwrap(api.GET('/api/v1/surveys/{survey_id}/imports', { params: { path: { survey_id: id.value }, query: { limit: 10 } } })),
    [id],
  )
}

export function createSurvey(body: SurveyCreate): Promise<SurveyRead> {
  return unwrap(api.POST('/api/v1/surveys', { body }))
}

/** The events of a year, for the survey that evaluates one. */
export async function fetchEventsOfYear(year: number) {
  const page = await unwrap(
    api.GET('/api/v1/events', {
      params: { query: { starts_from: `${year}-01-01T00:00:00`, starts_before: `${year + 1}-01-01T00:00:00`, limit: 500 } },
    }),
  )
  return page.items
}

/** POST /surveys/{id}/imports: a dry run reports every row; without it the accepted rows are saved. */
export function answerImporter(surveyId: number) {
  return (file: File, mapping: string | null, dryRun: boolean): Promise<SurveyImportReport> =>
    unwrap(
      api.POST('/api/v1/surveys/{survey_id}/imports', {
        params: { path: { survey_id: surveyId }, query: { dry_run: dryRun } },
        // The generated type names the file part a string; the real body is built as multipart.
        body: { file: file.name, mapping: mapping ?? undefined },
        bodySerializer: () => importForm(file, mapping),
      }),
    )
}

/** The committee report of a plan year, as a print-ready page or a workbook. */
export function reportUrl(year: number, format: 'html' | 'xlsx', evaluationDate: string | null = null): string {
  const query = new URLSearchParams({ format })
  if (evaluationDate) query.set('evaluation_date', evaluationDate)
  return `/api/v1/plans/${year}/report?${query.toString()}`
}

/** A question key from its text, as the API accepts keys: "Udbytte i forhold til tid" → "udbytte-i-forhold-til-tid". */
export function questionKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '')
}
