/** A file import in two steps: a dry run that reports every row, then the same file applied. */
import { computed, ref, shallowRef } from 'vue'
import { toApiError, type ApiError } from '../api/errors'

export interface ImportMessageLike {
  field: string | null
  column: string | null
  message: string
}

export interface ImportRowLike {
  row: number
  outcome: 'created' | 'updated' | 'unchanged' | 'duplicate' | 'rejected'
  messages: ImportMessageLike[]
}

export interface ImportCountsLike {
  rows: number
  created?: number
  updated?: number
  unchanged?: number
  duplicate?: number
  rejected?: number
}

/** What the grant and the survey import answer alike. */
export interface ImportReportLike {
  import_id: number | null
  dry_run: boolean
  filename: string
  columns: Record<string, string>
  ignored_columns: string[]
  counts: ImportCountsLike
  rows: ImportRowLike[]
}

export type SendImport<R> = (file: File, mapping: string | null, dryRun: boolean) => Promise<R>

/** The multipart body both imports take: `file`, and `mapping` when one is given. */
export function importForm(file: File, mapping: string | null): FormData {
  const form = new FormData()
  form.append('file', file, file.name)
  if (mapping) form.append('mapping', mapping)
  return form
}

/** The form's column choices as the API's JSON mapping ({"amount": "Tilsagn i kr."}); null if none. */
export function mappingJson(choices: Record<string, string>): string | null {
  const given = Object.entries(choices)
    .map(([field, header]) => [field, header.trim()] as const)
    .filter(([, header]) => header !== '')
  return given.length ? JSON.stringify(Object.fromEntries(given)) : null
}

/** Every header of the file the last report saw: the ones used and the ones ignored. */
export function fileHeaders(report: ImportReportLike | null): string[] {
  if (!report) return []
  return [...new Set([...Object.values(report.columns), ...report.ignored_columns])]
}

export function useFileImport<R extends ImportReportLike>(send: SendImport<R>) {
  const file = shallowRef<File | null>(null)
  /** The dry run's report: what the import would do, row by row. */
  const preview = shallowRef<R | null>(null)
  /** The applied import's report. */
  const result = shallowRef<R | null>(null)
  const busy = ref<'preview' | 'apply' | null>(null)
  const error = shallowRef<ApiError | null>(null)
  /** The file and mapping the preview was made from: what "Importér" sends. */
  const checked = shallowRef<{ file: File; mapping: string | null } | null>(null)

  function choose(chosen: File | null): void {
    file.value = chosen
    preview.value = null
    result.value = null
    error.value = null
    checked.value = null
  }

  async function run(step: 'preview' | 'apply', chosen: File, mapping: string | null): Promise<R | null> {
    busy.value = step
    error.value = null
    try {
      return await send(chosen, mapping, step === 'preview')
    } catch (caught) {
      error.value = toApiError(caught)
      return null
    } finally {
      busy.value = null
    }
  }

  /** Send the chosen file as a dry run. */
  async function check(mapping: string | null): Promise<void> {
    const chosen = file.value
    if (!chosen) return
    preview.value = null
    result.value = null
    checked.value = null
    const report = await run('preview', chosen, mapping)
    if (report) {
      preview.value = report
      checked.value = { file: chosen, mapping }
    }
  }

  /** Apply exactly the file and mapping that were checked (dry_run=false). */
  async function apply(): Promise<R | null> {
    const sent = checked.value
    if (!sent) return null
    const report = await run('apply', sent.file, sent.mapping)
    if (report) {
      result.value = report
      preview.value = null
    }
    return report
  }

  /** The checked mapping differs from the one given now: check again before applying. */
  function isStale(mapping: string | null): boolean {
    return checked.value !== null && checked.value.mapping !== mapping
  }

  const canApply = computed(() => checked.value !== null && preview.value !== null && busy.value === null)

  return { file, preview, result, busy, error, checked, canApply, choose, check, apply, isStale }
}
