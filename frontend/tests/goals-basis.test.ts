import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { GoalContributions, GoalProgress } from '../src/api/types'
import { json, stubFetch } from './helpers'

// The client captures fetch when it is created: stub it before the app's modules are imported.
const fake = stubFetch((request) => new URL(request.url))

const { default: GoalProgressItem } = await import('../src/features/goals/GoalProgressItem.vue')
const { routes } = await import('../src/router')

const goal: GoalProgress = {
  goal_id: 31,
  key: 'temamoeder',
  label: 'Temamøder',
  text: 'Der afholdes seks temamøder i 2026 med minimum 15 deltagere pr. møde',
  kind: 'measurable',
  metric: 'event_count',
  unit: 'count',
  direction: 'at_least',
  pace: 'cumulative',
  baseline: null,
  target: 6,
  target_upper: null,
  actual: 1,
  actual_source: 'metric',
  computed: 1,
  recorded: null,
  expected: 3,
  expected_basis: 'calendar',
  forecast: 4,
  forecast_reached: false,
  milestone_state: null,
  due_on: null,
  comment: null,
  comment_needed: true,
  year_elapsed: 0.6,
  status: 'off_track',
  explanation: '1 mod forventet 3 pr. 1. aug. 2026.',
  series: [],
}

const basis: GoalContributions = {
  goal_id: 31,
  year: 2026,
  evaluated_on: '2026-08-01',
  period_start: '2026-01-01',
  period_end: '2026-08-01',
  metric: 'event_count',
  unit: 'count',
  aggregation: 'sum',
  value: 1,
  counted: 1,
  not_counted: 3,
  truncated: true,
  items: [
    { kind: 'event', record_id: 5, day: '2026-03-05', label: 'Temamøde om eksport', value: 1, counted: true, reason: 'Afholdt temamøde med 18 deltagere (mindst 15).' },
    { kind: 'event', record_id: 6, day: '2026-04-09', label: 'Temamøde om rekruttering', value: 1, counted: false, reason: 'Kun 9 deltagere; målet kræver mindst 15.' },
    { kind: 'event', record_id: 7, day: '2026-06-11', label: '[Demo] Temamøde', value: 1, counted: false, reason: 'Demodata tælles ikke med.' },
  ],
}

describe('"Vis grundlag" behind a figure', () => {
  it('lists, for the screen\'s own date, the records that count and those that do not, with the reasons', async () => {
    fake.answer = () => json(basis)
    const router = createRouter({ history: createMemoryHistory(), routes })
    const wrapper = mount(GoalProgressItem, { props: { goal, year: 2026, evaluatedOn: '2026-08-01' }, global: { plugins: [router] }, attachTo: document.body })
    const toggle = wrapper.get('button.goal__basis-toggle')
    expect(toggle.text()).toBe('Vis grundlag: Temamøder')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(fake.sent).toHaveLength(0)

    await toggle.trigger('click')
    // The panel's code loads on demand, then asks for the basis.
    await vi.waitFor(() => expect(wrapper.text()).toContain('Tæller med'))
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(document.getElementById(toggle.attributes('aria-controls')!)).not.toBeNull()
    const asked = fake.sent[0]!
    expect(asked.pathname).toBe('/api/v1/goals/31/contributions')
    expect(asked.searchParams.get('evaluation_date')).toBe('2026-08-01')
    expect(asked.searchParams.get('year')).toBe('2026')

    const text = wrapper.text()
    expect(text).toContain('Grundlag for Temamøder')
    expect(text).toContain('Opgjort pr. 1. aug. 2026. Perioden 1. jan. 2026 – 1. aug. 2026.')
    expect(text).toContain('Tallet er summen af de poster, der tæller med.')
    expect(text).toContain('Tæller med (1)')
    expect(text).toContain('Tæller ikke med (3)')
    const [counted, notCounted] = wrapper.findAll('table')
    expect(counted!.text()).toContain('Temamøde om eksport')
    expect(counted!.text()).toContain('Afholdt temamøde med 18 deltagere (mindst 15).')
    expect(counted!.get('a').attributes('href')).toBe('/arrangementer/5')
    expect(notCounted!.findAll('tbody tr').map((row) => row.findAll('td').at(-1)!.text())).toEqual([
      'Kun 9 deltagere; målet kræver mindst 15.',
      'Demodata tælles ikke med.',
    ])
    expect(text).toContain('afkortet: 2 af 3 vises')

    await toggle.trigger('click')
    expect(toggle.text()).toBe('Vis grundlag: Temamøder')
    expect(wrapper.find('table').exists()).toBe(false)
    wrapper.unmount()
  })
})
