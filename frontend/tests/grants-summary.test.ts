import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'

vi.mock('../src/charts', () => ({
  Chart: class {
    destroy(): void {}
  },
  CHART_COLORS: { actual: '#1b4a8a', target: '#a34700', extra: '#17622f' },
  prefersReducedMotion: () => true,
}))

const { default: GrantYearChart } = await import('../src/features/grants/GrantYearChart.vue')
const { default: GrantSummaryTable } = await import('../src/features/grants/GrantSummaryTable.vue')

const NBSP = '\u00a0'
const kr = (text: string) => `${text}${NBSP}kr.`

const byYear = {
  group_by: 'year' as const,
  rows: [
    { key: '2025', label: '2025', amount: 1800000, grants: 12, companies: 8 },
    { key: '2026', label: '2026', amount: 2950000, grants: 20, companies: 10 },
  ],
  total: { key: 'total', label: 'I alt', amount: 4750000, grants: 32, companies: 10 },
}

const goal = {
  goal_id: 1,
  key: 'plan-tilskudsmidler',
  label: 'Tilskudsmidler',
  text: 'Tilskudsmidler',
  kind: 'measurable',
  metric: 'grant_amount',
  unit: 'dkk',
  direction: 'at_least',
  pace: 'cumulative',
  baseline: null,
  target: 3000000,
  actual: 2950000,
  actual_source: 'metric',
  computed: 2950000,
  recorded: null,
  expected: null,
  year_elapsed: 0.9,
  status: 'on_track',
  explanation: '',
  series: [
    { year: 2023, target: null, actual: 2242000, actual_source: 'measurement' },
    { year: 2024, target: null, actual: 562000, actual_source: 'measurement' },
    { year: 2025, target: 2000000, actual: 1800000, actual_source: 'metric' },
    { year: 2026, target: 3000000, actual: 2950000, actual_source: 'metric' },
  ],
} as never

function rows(wrapper: ReturnType<typeof mount>, selector = 'tbody tr') {
  return wrapper.findAll(selector).map((tr) => tr.findAll('th, td').map((cell) => cell.text()))
}

describe('GrantYearChart', () => {
  it('puts the ledger by year against the plan’s target, with the figures recorded before the ledger', () => {
    const wrapper = mount(GrantYearChart, { props: { summary: byYear, goal, year: 2026 } })
    expect(wrapper.findAll('thead th').map((th) => th.text())).toEqual([
      'År',
      'Bevilget ifølge tilskudsregistret',
      'Registreret tal (før registret)',
      'Mål',
      'Tilskud',
      'Virksomheder',
    ])
    expect(rows(wrapper)).toEqual([
      ['2023', '–', kr('2.242.000'), '–', '–', '–'],
      ['2024', '–', kr('562.000'), '–', '–', '–'],
      ['2025', kr('1.800.000'), '–', kr('2.000.000'), '12', '8'],
      ['2026', kr('2.950.000'), '–', kr('3.000.000'), '20', '10'],
    ])
    expect(wrapper.find('.chart__summary').text()).toBe(
      `2026: ${kr('2.950.000')} til 10 virksomheder mod målet ${kr('3.000.000')} ` +
        `Tidligere år: 2023: ${kr('2.242.000')}, 2024: ${kr('562.000')}, 2025: ${kr('1.800.000')}`,
    )
  })

  it('says what to do when there is nothing to show', () => {
    const wrapper = mount(GrantYearChart, {
      props: { summary: { ...byYear, rows: [], total: { ...byYear.total, amount: 0, grants: 0, companies: 0 } }, goal: undefined, year: 2026 },
    })
    expect(wrapper.find('table').exists()).toBe(false)
    expect(wrapper.text()).toContain('Der er ingen tilskud at vise endnu.')
    expect(wrapper.text()).toContain('Importér Erhvervshus Sjællands regneark')
  })
})

describe('GrantSummaryTable', () => {
  it('shows amount in kroner, grants and companies per group, and the total', () => {
    const wrapper = mount(GrantSummaryTable, { props: { summary: byYear, caption: 'Bevilget pr. år', groupHeader: 'År' } })
    expect(rows(wrapper)).toEqual([
      ['2025', kr('1.800.000'), '12', '8'],
      ['2026', kr('2.950.000'), '20', '10'],
    ])
    expect(rows(wrapper, 'tfoot tr')).toEqual([['I alt', kr('4.750.000'), '32', '10']])
  })
})
