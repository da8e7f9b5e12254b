import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import BaseStatus from '../src/components/BaseStatus.vue'
import GoalProgressItem from '../src/features/goals/GoalProgressItem.vue'
import StatusSummary from '../src/features/goals/StatusSummary.vue'
import type { GoalProgress } from '../src/api/types'

function goal(overrides: Partial<GoalProgress> = {}): GoalProgress {
  return {
    goal_id: 1,
    key: 'plan-tilskudsmidler',
    label: 'Tilskudsmidler',
    text: 'Tilskudsmidler til viden og udvikling gennem Erhvervshus Sjælland',
    kind: 'measurable',
    metric: 'grant_amount',
    unit: 'dkk',
    direction: 'at_least',
    pace: 'cumulative',
    baseline: null,
    target: 3000000,
    actual: 2525000,
    actual_source: 'metric',
    computed: 2525000,
    recorded: null,
    expected: 2720547.95,
    year_elapsed: 0.9,
    status: 'at_risk',
    explanation: '2.525.000 kr. mod forventet 2.720.547,95 kr. pr. 27. nov. 2026.',
    series: [],
    ...overrides,
  }
}

describe('BaseStatus', () => {
  it.each([
    ['achieved', 'Nået', 'tone-good', '✓'],
    ['on_track', 'På sporet', 'tone-good', '↗'],
    ['at_risk', 'I risiko', 'tone-watch', '!'],
    ['off_track', 'Bagud', 'tone-bad', '✕'],
    ['no_data', 'Ingen data', 'tone-none', '–'],
    ['not_started', 'Ikke startet', 'tone-open', '○'],
    ['done', 'Gennemført', 'tone-good', '✓'],
  ])('shows %s as the text "%s" with colour %s and a symbol', (status, label, tone, symbol) => {
    const wrapper = mount(BaseStatus, { props: { status } })
    expect(wrapper.find('.status__label').text()).toBe(label)
    expect(wrapper.classes()).toContain(tone)
    const mark = wrapper.find('.status__symbol')
    expect(mark.text()).toBe(symbol)
    expect(mark.attributes('aria-hidden')).toBe('true')
    // The words are there for everyone: colour and symbol only repeat them.
    expect(wrapper.text()).toContain(label)
  })

  it('shows an unknown status as it is, without a colour that means something', () => {
    const wrapper = mount(BaseStatus, { props: { status: 'paused' } })
    expect(wrapper.find('.status__label').text()).toBe('paused')
    expect(wrapper.classes()).toContain('tone-none')
  })
})

describe('GoalProgressItem', () => {
  it('shows a measurable goal with status, actual against target and why', () => {
    const wrapper = mount(GoalProgressItem, { props: { goal: goal(), year: 2026 } })
    const text = wrapper.text()
    expect(wrapper.find('.status').classes()).toContain('tone-watch')
    expect(wrapper.find('.status').text()).toContain('I risiko')
    expect(text).toContain('Tilskudsmidler:')
    expect(text).toContain('Resultat2.525.000\u00a0kr.')
    expect(text).toContain('Mål 20263.000.000\u00a0kr.')
    expect(text).toContain('Forventet nu2.720.548\u00a0kr.')
    expect(text).toContain('2.525.000 kr. mod forventet 2.720.547,95 kr. pr. 27. nov. 2026.')
  })

  it('marks a recorded figure and shows the baseline', () => {
    const wrapper = mount(GoalProgressItem, {
      props: {
        goal: goal({ unit: 'percent', actual: 61.1, target: 80, expected: 80, actual_source: 'measurement', baseline: { year: 2025, value: 65 }, status: 'off_track' }),
        year: 2026,
      },
    })
    expect(wrapper.text()).toContain('61,1\u00a0% (registreret)')
    expect(wrapper.text()).toContain('Udgangspunkt 202565\u00a0%')
    expect(wrapper.text()).not.toContain('Forventet nu')
    expect(wrapper.find('.status').classes()).toContain('tone-bad')
    expect(wrapper.find('.status').text()).toContain('Bagud')
  })

  it('shows a milestone by its state, without figures', () => {
    const wrapper = mount(GoalProgressItem, {
      props: {
        goal: goal({ kind: 'milestone', metric: null, unit: null, target: null, actual: null, expected: null, status: 'in_progress', explanation: 'I gang siden 3. mar. 2026.' }),
        year: 2026,
      },
    })
    expect(wrapper.find('dl').exists()).toBe(false)
    expect(wrapper.find('.status').text()).toContain('I gang')
    expect(wrapper.find('.status').classes()).toContain('tone-open')
  })
})

describe('StatusSummary', () => {
  it('counts the statuses that occur, with their words', () => {
    const counts = { achieved: 7, on_track: 0, at_risk: 2, off_track: 4, no_data: 0, no_target: 0, not_started: 11, in_progress: 0, done: 0, dropped: 0, total: 24 }
    const wrapper = mount(StatusSummary, { props: { counts, label: 'Status for alle mål' } })
    const items = wrapper.findAll('li.summary__item').map((li) => [li.find('.status__label').text(), li.find('.summary__count').text()])
    expect(items).toEqual([
      ['Nået', '7'],
      ['I risiko', '2'],
      ['Bagud', '4'],
      ['Ikke startet', '11'],
    ])
    expect(wrapper.findAll('li').at(-1)?.text()).toBe('I alt 24 mål')
    expect(wrapper.findAll('.status').map((s) => s.classes().find((c) => c.startsWith('tone-')))).toEqual([
      'tone-good',
      'tone-watch',
      'tone-bad',
      'tone-open',
    ])
    expect(wrapper.find('ul').attributes('aria-label')).toBe('Status for alle mål')
  })
})
