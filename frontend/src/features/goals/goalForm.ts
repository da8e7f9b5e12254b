/**
 * The goal form's yearly targets as typed: the value, an upper bound for a range, and the
 * phasing (periodisering) – none, all due on a date, or a weight per month – and how they become
 * GoalUpdate.targets (or Danish messages by form field), and where the API's messages belong.
 */
import type { ApiError } from '../../api/errors'
import type { GoalTarget, GoalUpdate, TargetSpec } from '../../api/types'
import { formatInputNumber, parseDanishNumber } from '../../format'

export type Phasing = 'none' | 'due_date' | 'monthly_profile'

export const PHASING_LABELS: Record<Phasing, string> = {
  none: 'Ingen (jævnt tempo eller årshjulet)',
  due_date: 'Forfaldsdato',
  monthly_profile: 'Månedsfordeling',
}

export const MONTH_NAMES = [
  'Januar',
  'Februar',
  'Marts',
  'April',
  'Maj',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'December',
] as const

export interface TargetRow {
  year: string
  value: string
  /** The most, for a range ("3–4"); empty for a single value. */
  upper: string
  phasing: Phasing
  dueOn: string
  /** Twelve weights, January to December, as typed. */
  profile: string[]
}

/** An even profile: one part each month. */
export function evenProfile(): string[] {
  return Array.from({ length: 12 }, () => '1')
}

export function targetRow(target: GoalTarget): TargetRow {
  const profile = target.monthly_profile
  return {
    year: String(target.year),
    value: formatInputNumber(target.value),
    upper: target.upper === null || target.upper === undefined ? '' : formatInputNumber(target.upper),
    phasing: target.due_on ? 'due_date' : profile ? 'monthly_profile' : 'none',
    dueOn: target.due_on ?? '',
    profile: profile ? profile.map((weight) => formatInputNumber(weight)) : evenProfile(),
  }
}

export function emptyTargetRow(year: number): TargetRow {
  return { year: String(year), value: '', upper: '', phasing: 'none', dueOn: '', profile: evenProfile() }
}

type Targets = NonNullable<GoalUpdate['targets']>
export type TargetsResult = { ok: true; targets: Targets } | { ok: false; errors: Record<string, string> }

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

/** The rows as GoalUpdate.targets: a plain number where nothing more is set, else a TargetSpec. */
export function buildTargets(rows: readonly TargetRow[]): TargetsResult {
  const errors: Record<string, string> = {}
  const targets: Targets = {}
  rows.forEach((row, index) => {
    const at = (field: string) => `targets.${index}.${field}`
    const year = Number(row.year)
    if (!Number.isInteger(year) || year < 1900 || year > 2200) errors[at('year')] = 'Skriv et årstal, f.eks. 2026.'
    else if (String(year) in targets) errors[at('year')] = 'Året har allerede et mål.'
    const value = parseDanishNumber(row.value)
    if (Number.isNaN(value) || value < 0) errors[at('value')] = 'Skriv et tal, f.eks. 3.000.000.'
    const spec: TargetSpec = { value }
    if (row.upper.trim()) {
      const upper = parseDanishNumber(row.upper)
      if (Number.isNaN(upper)) errors[at('upper')] = 'Skriv et tal, eller lad feltet stå tomt.'
      else if (!Number.isNaN(value) && upper < value) errors[at('upper')] = 'Højst kan ikke være mindre end målet.'
      spec.upper = upper
    }
    if (row.phasing === 'due_date') {
      if (!ISO_DAY.test(row.dueOn)) errors[at('due_on')] = 'Vælg den dato, hele målet skal være nået.'
      else if (Number.isInteger(year) && row.dueOn.slice(0, 4) !== String(year)) errors[at('due_on')] = `Datoen skal ligge i ${year}.`
      spec.due_on = row.dueOn
    } else if (row.phasing === 'monthly_profile') {
      const weights = row.profile.map((text) => (text.trim() ? parseDanishNumber(text) : 0))
      weights.forEach((weight, month) => {
        if (Number.isNaN(weight) || weight < 0) errors[at(`monthly_profile.${month}`)] = 'Skriv et tal på 0 eller mere.'
      })
      if (weights.every((weight) => !Number.isNaN(weight) && weight >= 0) && !weights.some((weight) => weight > 0)) {
        errors[at('monthly_profile')] = 'Mindst én måned skal have en vægt over 0.'
      }
      spec.monthly_profile = weights
    }
    const plain = spec.upper === undefined && spec.due_on === undefined && spec.monthly_profile === undefined
    targets[String(year)] = plain ? value : spec
  })
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, targets }
}

/** The share of the year's target each month's weight stands for: "8 %" under each input. */
export function profileShares(profile: readonly string[]): (number | null)[] {
  const weights = profile.map((text) => (text.trim() ? parseDanishNumber(text) : 0))
  const total = weights.reduce((sum, weight) => sum + (Number.isNaN(weight) || weight < 0 ? 0 : weight), 0)
  return weights.map((weight) => (total > 0 && !Number.isNaN(weight) && weight >= 0 ? (weight / total) * 100 : null))
}

/** Which of a row's fields an API message names: "upper (2) er mindre …" → upper. */
function targetField(path: readonly string[], message: string): string {
  const last = path[path.length - 1] ?? ''
  if (['value', 'upper', 'due_on', 'monthly_profile'].includes(last)) return last
  if (/^\d+$/.test(last) && path[path.length - 2] === 'monthly_profile') return `monthly_profile.${last}`
  if (/\bupper\b/.test(message)) return 'upper'
  if (/due_on|monthly_profile/.test(message)) return /due_on/.test(message) && !/monthly_profile/.test(message) ? 'due_on' : 'phasing'
  return 'value'
}

/** Danish text of an API message: without pydantic's "Value error, " and a leading "targets: ". */
function plain(message: string): string {
  const text = message.replace(/^Value error, /, '').replace(/^(targets|due_on|monthly_profile): /, '')
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text
}

/**
 * The API's messages about the targets, at the form's fields: `targets.2026.…` goes to the row
 * of 2026 (the union's "not a number" branch is left out when the object branch has a message);
 * a rule about the whole goal that names the targets ("targets: …", field "") goes to `targets`.
 */
export function placeTargetErrors(error: ApiError, rows: readonly TargetRow[]): { fields: Record<string, string>; placed: Set<number> } {
  const fields: Record<string, string> = {}
  const placed = new Set<number>()
  const add = (key: string, message: string) => {
    fields[key] = fields[key] ? `${fields[key]} ${message}` : message
  }
  const specYears = new Set(
    error.errors.filter((e) => e.field.startsWith('targets.') && e.field.includes('TargetSpec')).map((e) => e.field.split('.')[1]),
  )
  error.errors.forEach((entry, index) => {
    const parts = entry.field.split('.')
    if (parts[0] === 'targets' && parts.length > 1) {
      const year = parts[1] ?? ''
      const row = rows.findIndex((r) => String(Number(r.year)) === year)
      if (parts[2] === 'float' && specYears.has(year)) {
        placed.add(index)
        return
      }
      if (row < 0) {
        add('targets', `${year}: ${plain(entry.message)}`)
      } else {
        const rest = parts.slice(2).filter((part) => !part.includes('TargetSpec') && part !== 'float')
        add(`targets.${row}.${targetField(rest, entry.message)}`, plain(entry.message))
      }
      placed.add(index)
    } else if ((entry.field === '' || entry.field === 'targets') && /^(Value error, )?(targets|monthly_profile)\b/.test(entry.message)) {
      add('targets', plain(entry.message))
      placed.add(index)
    } else if (entry.field === '' && /^(Value error, )?due_on\b/.test(entry.message)) {
      add('due_on', plain(entry.message))
      placed.add(index)
    }
  })
  return { fields, placed }
}
