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
    target_upper: null,
    actual: 2525000,
    actual_source: 'metric',
    computed: 2525000,
    recorded: null,
    expected: 2720547.95,
    expected_basis: 'even_pace',
    forecast: null,
    forecast_reached: null,
    milestone_state: null,
    due_on: null,
    comment: null,
    comment_needed: true,
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
    ['not_due', 'Ikke forfalden', 'tone-none', '◷'],
    ['overdue', 'Overskredet', 'tone-bad', '⚑'],
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

describe('GoalProgressItem: phasing, forecasts, ranges and deadlines', () => {
  it('shows the expected value in whole units with what it rests on, and the forecast beside the target', () => {
    const wrapper = mount(GoalProgressItem, {
      props: {
        goal: goal({
          label: 'Aktiviteter',
          unit: 'count',
          metric: 'event_participants',
          target: 400,
          actual: 212,
          computed: 212,
          expected: 230.6,
          expected_basis: 'calendar',
          forecast: 409.6,
          forecast_reached: true,
          status: 'on_track',
          comment_needed: false,
        }),
        year: 2026,
      },
    })
    const text = wrapper.text()
    expect(text).toContain('Mål 2026400')
    expect(text).toContain('Prognose410 – forventes nået')
    expect(text).toContain('Forventet nu231 (ud fra årshjulet)')
    expect(text).not.toContain('kommentar')
  })

  it('says when the forecast falls short, and names each basis in Danish', () => {
    const basis = (expected_basis: GoalProgress['expected_basis']) =>
      mount(GoalProgressItem, { props: { goal: goal({ expected_basis, forecast: 2900000, forecast_reached: false }), year: 2026 } }).text()
    expect(basis('due_date')).toContain('(ud fra forfaldsdatoen)')
    expect(basis('monthly_profile')).toContain('(ud fra månedsfordelingen)')
    expect(basis('even_pace')).toContain('(ud fra jævnt tempo)')
    expect(basis('monthly_rhythm')).toContain('(ud fra månedlig rytme)')
    expect(basis('even_pace')).toContain('Prognose2.900.000\u00a0kr. – forventes ikke nået')
  })

  it('shows a goal that is not due yet as "Ikke forfalden", not as behind', () => {
    const wrapper = mount(GoalProgressItem, {
      props: { goal: goal({ unit: 'count', target: 8, actual: 0, expected: 0, expected_basis: 'due_date', status: 'not_due', comment_needed: false }), year: 2026 },
    })
    expect(wrapper.find('.status').text()).toContain('Ikke forfalden')
    expect(wrapper.text()).toContain('Forventet nu0 (ud fra forfaldsdatoen)')
  })

  it('shows a range target, "mere end" and a monthly rhythm as the plan words them', () => {
    const range = mount(GoalProgressItem, { props: { goal: goal({ unit: 'count', target: 3, target_upper: 4 }), year: 2026 } })
    expect(range.text()).toContain('Mål 20263–4')
    const share = mount(GoalProgressItem, { props: { goal: goal({ unit: 'percent', direction: 'more_than', pace: 'level', target: 80 }), year: 2026 } })
    expect(share.text()).toContain('Mål 2026mere end 80\u00a0%')
    const monthly = mount(GoalProgressItem, { props: { goal: goal({ unit: 'count', pace: 'monthly', target: null }), year: 2026 } })
    expect(monthly.text()).toContain('Mål 2026hver måned')
  })

  it('shows a milestone past its deadline as overdue, with the deadline and the state in force', () => {
    const wrapper = mount(GoalProgressItem, {
      props: {
        goal: goal({
          kind: 'milestone', metric: null, unit: null, target: null, actual: null, expected: null, expected_basis: null,
          status: 'overdue', milestone_state: 'in_progress', due_on: '2026-06-30', comment_needed: true,
          explanation: 'Fristen 30. jun. 2026 er overskredet; tilstanden er i gang.',
        }),
        year: 2026,
      },
    })
    expect(wrapper.find('.status').text()).toContain('Overskredet')
    expect(wrapper.find('.status').classes()).toContain('tone-bad')
    expect(wrapper.text()).toContain('Frist30. jun. 2026')
    expect(wrapper.text()).toContain('TilstandI gang')
    expect(wrapper.text()).toContain('Ingen kommentar fra den ansvarlige')
    // A milestone has no figure, so no basis to show.
    expect(wrapper.text()).not.toContain('Vis grundlag')
  })

  it('shows the newest written status of a goal that needs one', () => {
    const wrapper = mount(GoalProgressItem, {
      props: {
        goal: goal({ comment: { text: 'Ansøgningerne til SMV:Grøn kommer i december.', written_on: '2026-11-20', author: 'Rita' }, comment_needed: true }),
        year: 2026,
      },
    })
    expect(wrapper.text()).toContain('Status fra den ansvarlige, 20. nov. 2026 (Rita):')
    expect(wrapper.text()).toContain('Ansøgningerne til SMV:Grøn kommer i december.')
    expect(wrapper.text()).not.toContain('Ingen kommentar')
  })

  it('leaves out a status comment where none is needed, except on the initiative page', () => {
    const comment = { text: 'Alt går efter planen.', written_on: '2026-11-20', author: 'Rita' }
    const overview = mount(GoalProgressItem, { props: { goal: goal({ status: 'on_track', comment, comment_needed: false }), year: 2026 } })
    expect(overview.text()).not.toContain('Alt går efter planen.')
    const page = mount(GoalProgressItem, { props: { goal: goal({ status: 'on_track', comment, comment_needed: false }), year: 2026, everyComment: true } })
    expect(page.text()).toContain('Alt går efter planen.')
  })
})

describe('StatusSummary', () => {
  it('counts goals that are not due and overdue with their own words', () => {
    const counts = { achieved: 0, on_track: 1, at_risk: 0, off_track: 0, not_due: 3, overdue: 2, no_data: 0, no_target: 0, not_started: 0, in_progress: 0, done: 0, dropped: 0, total: 6 }
    const wrapper = mount(StatusSummary, { props: { counts, label: 'Status' } })
    const items = wrapper.findAll('li.summary__item').map((li) => [li.find('.status__label').text(), li.find('.summary__count').text()])
    expect(items).toEqual([
      ['På sporet', '1'],
      ['Overskredet', '2'],
      ['Ikke forfalden', '3'],
    ])
  })

  it('counts the statuses that occur, with their words', () => {
    const counts = { achieved: 7, on_track: 0, at_risk: 2, off_track: 4, not_due: 0, overdue: 0, no_data: 0, no_target: 0, not_started: 11, in_progress: 0, done: 0, dropped: 0, total: 24 }
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
