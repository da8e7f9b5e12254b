import { describe, expect, it } from 'vitest'
import {
  formatAmount,
  formatDate,
  formatDateTime,
  formatInputNumber,
  formatMonth,
  formatNumber,
  formatPercent,
  formatValue,
  parseDanishNumber,
  sentence,
  todayIso,
} from '../src/format'

// Intl separates a number from its unit with a no-break space (U+00A0); so does format.ts.
const NBSP = '\u00a0'

describe('formatAmount', () => {
  it('writes kroner with dots between thousands', () => {
    expect(formatAmount(2242000)).toBe(`2.242.000${NBSP}kr.`)
    expect(formatAmount(562000)).toBe(`562.000${NBSP}kr.`)
  })
  it('rounds to whole kroner', () => {
    expect(formatAmount(2720547.95)).toBe(`2.720.548${NBSP}kr.`)
  })
  it('shows a dash for no value', () => {
    expect(formatAmount(null)).toBe('–')
    expect(formatAmount(undefined)).toBe('–')
  })
})

describe('formatNumber and formatPercent', () => {
  it('groups thousands and uses a decimal comma', () => {
    expect(formatNumber(1966)).toBe('1.966')
    expect(formatNumber(10.88)).toBe('10,9')
    expect(formatNumber(0)).toBe('0')
  })
  it('writes a percentage with a space before the sign', () => {
    expect(formatPercent(65)).toBe(`65${NBSP}%`)
    expect(formatPercent(61.1)).toBe(`61,1${NBSP}%`)
    expect(formatPercent(null)).toBe('–')
  })
  it('formats a goal value by its unit', () => {
    expect(formatValue(3000000, 'dkk')).toBe(`3.000.000${NBSP}kr.`)
    expect(formatValue(80, 'percent')).toBe(`80${NBSP}%`)
    expect(formatValue(400, 'count')).toBe('400')
    expect(formatValue(400, null)).toBe('400')
  })
  it('keeps every decimal for an input field', () => {
    expect(formatInputNumber(2720547.95)).toBe('2.720.547,95')
    expect(formatInputNumber(null)).toBe('')
  })
})

describe('dates', () => {
  it('writes a calendar day with the short month', () => {
    expect(formatDate('2026-11-26')).toBe('26. nov. 2026')
    expect(formatDate('2026-05-03')).toBe('3. maj 2026')
    expect(formatDate('2026-01-01')).toBe('1. jan. 2026')
  })
  it('takes the day of a timestamp in Danish time', () => {
    // 23:30 UTC on 26 November is 00:30 on 27 November in Copenhagen.
    expect(formatDate('2026-11-26T23:30:00Z')).toBe('27. nov. 2026')
  })
  it('writes a timestamp with the Danish clock', () => {
    expect(formatDateTime('2026-05-03T16:00:00Z')).toBe('3. maj 2026 kl. 18.00')
  })
  it('writes a month period', () => {
    expect(formatMonth('2026-03')).toBe('mar. 2026')
    expect(formatMonth('2026-05', false)).toBe('maj')
    expect(formatMonth('2026-Q1')).toBe('2026-Q1')
  })
  it('gives today in Copenhagen as ISO', () => {
    expect(todayIso(new Date('2026-11-26T23:30:00Z'))).toBe('2026-11-27')
    expect(todayIso(new Date('2026-06-30T12:00:00Z'))).toBe('2026-06-30')
  })
})

describe('parseDanishNumber', () => {
  it('reads numbers as Danish users type them', () => {
    expect(parseDanishNumber('2.242.000')).toBe(2242000)
    expect(parseDanishNumber('61,5')).toBe(61.5)
    expect(parseDanishNumber('1 500')).toBe(1500)
    expect(parseDanishNumber(' 400 ')).toBe(400)
    expect(parseDanishNumber('2.720.547,95')).toBe(2720547.95)
  })
  it('refuses what is not a Danish number', () => {
    expect(parseDanishNumber('1.5')).toBeNaN()
    expect(parseDanishNumber('abc')).toBeNaN()
    expect(parseDanishNumber('')).toBeNaN()
  })
})

describe('sentence', () => {
  it('adds a full stop only where none is', () => {
    expect(sentence('2026: 400 mod målet 400')).toBe('2026: 400 mod målet 400.')
    expect(sentence(`mod målet 3.000.000${NBSP}kr.`)).toBe(`mod målet 3.000.000${NBSP}kr.`)
  })
})

describe('goal targets, expected values and counted nouns', () => {
  it('writes a target as the plan does: a range, "mere end", "højst", a monthly rhythm', async () => {
    const { formatTarget } = await import('../src/format')
    expect(formatTarget({ target: 6, unit: 'count', direction: 'at_least', pace: 'cumulative' })).toBe('6')
    expect(formatTarget({ target: 3, target_upper: 4, unit: 'count' })).toBe('3–4')
    expect(formatTarget({ target: 60, target_upper: 70, unit: 'percent' })).toBe(`60–70${NBSP}%`)
    expect(formatTarget({ target: 3000000, target_upper: 3500000, unit: 'dkk' })).toBe(`3.000.000–3.500.000${NBSP}kr.`)
    expect(formatTarget({ target: 80, unit: 'percent', direction: 'more_than' })).toBe(`mere end 80${NBSP}%`)
    expect(formatTarget({ target: 50, unit: 'count', direction: 'at_most' })).toBe('højst 50')
    expect(formatTarget({ target: null, unit: 'count', pace: 'monthly' })).toBe('hver måned')
    expect(formatTarget({ target: null, unit: 'count', pace: 'cumulative' })).toBe('–')
  })

  it('shows what is counted in whole units, amounts and shares as usual', async () => {
    const { formatWhole } = await import('../src/format')
    expect(formatWhole(2.4, 'count')).toBe('2')
    expect(formatWhole(409.6, 'count')).toBe('410')
    expect(formatWhole(1234.5, 'count')).toBe('1.235')
    expect(formatWhole(2720547.95, 'dkk')).toBe(`2.720.548${NBSP}kr.`)
    expect(formatWhole(61.14, 'percent')).toBe(`61,1${NBSP}%`)
    expect(formatWhole(null, 'count')).toBe('–')
  })

  it('puts a noun in the singular for one and the plural for any other number', async () => {
    const { formatCount } = await import('../src/format')
    expect(formatCount(1, 'arrangement', 'arrangementer')).toBe('1 arrangement')
    expect(formatCount(0, 'person', 'personer')).toBe('0 personer')
    expect(formatCount(1200, 'virksomhed', 'virksomheder')).toBe('1.200 virksomheder')
  })
})
