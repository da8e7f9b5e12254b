/** Grants: the summary by year or programme, the list with filters and pages, the import. */
import type { Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'
import { importForm } from '../../composables/useFileImport'
import { useResource } from '../../composables/useResource'

type Schemas = components['schemas']
export type GrantRead = Schemas['GrantRead']
export type GrantSummary = Schemas['GrantSummary']
export type GrantSummaryRow = Schemas['SummaryRow']
export type GrantTheme = Schemas['GrantTheme']
export type GrantImportReport = Schemas['GrantImportReport']
export type GrantImportSummary = Schemas['ImportSummary']
export type ProgrammeRead = Schemas['ProgrammeRead']

/** Our fields of a grant row, as the import's mapping and its messages name them. */
export const GRANT_FIELDS = ['reference', 'cvr', 'company', 'programme', 'amount', 'granted_on'] as const
export type GrantField = (typeof GRANT_FIELDS)[number]
export const GRANT_FIELD_LABELS: Record<GrantField, string> = {
  reference: 'Reference',
  cvr: 'CVR-nr.',
  company: 'Virksomhed',
  programme: 'Program',
  amount: 'Beløb',
  granted_on: 'Bevillingsdato',
}

export interface GrantFilters {
  year: number | null
  programmeId: number | null
  theme: GrantTheme | null
  cvr: string | null
}

export const GRANT_PAGE_SIZE = 25

export function useGrantSummary(groupBy: 'year' | 'programme', year: Ref<number | null>) {
  return useResource(
    () =>
      unwrap(
        api.GET('/api/v1/grants/summary', {
          params: { query: { group_by: groupBy, ...(year.value !== null ? { year: year.value } : {}) } },
        }),
      ),
    [year],
  )
}

export function useGrantList(filters: Ref<GrantFilters>, page: Ref<number>) {
  return useResource(() => {
    const { year, programmeId, theme, cvr } = filters.value
    const query = {
      limit: GRANT_PAGE_SIZE,
      offset: page.value * GRANT_PAGE_SIZE,
      ...(year !== null ? { year } : {}),
      ...(programmeId !== null ? { programme_id: programmeId } : {}),
      ...(theme !== null ? { theme } : {}),
      ...(cvr ? { cvr } : {}),
    }
    return unwrap(api.GET('/api/v1/grants', { params: { query } }))
  }, [filters, page])
}

export function useProgrammes() {
  return useResource(() => unwrap(api.GET('/api/v1/grants/programmes')))
}

export function useGrantImports() {
  return useResource(() => unwrap(api.GET('/api/v1/grants/imports', { params: { query: { limit: 5 } } })))
}

/** POST /grants/imports: a dry run reports every row; without it the accepted rows are applied. */
export function importGrants(file: File, mapping: string | null, dryRun: boolean): Promise<GrantImportReport> {
  return unwrap(
    api.POST('/api/v1/grants/imports', {
      params: { query: { dry_run: dryRun, rows: 'all' } },
      // The generated type names the file part a string; the real body is built as multipart.
      body: { file: file.name, mapping: mapping ?? undefined },
      bodySerializer: () => importForm(file, mapping),
    }),
  )
}
