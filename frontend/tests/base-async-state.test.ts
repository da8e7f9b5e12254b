import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { ApiError } from '../src/api/errors'
import BaseAsyncState from '../src/components/BaseAsyncState.vue'
import BaseTable from '../src/components/BaseTable.vue'

describe('BaseAsyncState', () => {
  it('shows loading, then the error with a retry, then the empty state, then the content', async () => {
    const wrapper = mount(BaseAsyncState, {
      props: { loading: true, error: null, loadingLabel: 'Henter personer …', emptyTitle: 'Der er ingen personer endnu.' },
      slots: { default: '<p class="content">Indhold</p>', empty: 'Opret den første.' },
    })
    expect(wrapper.get('[role="status"]').text()).toBe('Henter personer …')

    await wrapper.setProps({ loading: false, error: new ApiError(500) })
    expect(wrapper.find('[role="status"]').exists()).toBe(false)
    expect(wrapper.get('[role="alert"]').text()).toContain('Der opstod en fejl på serveren.')
    await wrapper.get('[role="alert"] button').trigger('click')
    expect(wrapper.emitted('retry')).toHaveLength(1)

    await wrapper.setProps({ error: null, empty: true })
    expect(wrapper.get('.empty__title').text()).toBe('Der er ingen personer endnu.')
    expect(wrapper.get('.empty__hint').text()).toBe('Opret den første.')

    await wrapper.setProps({ empty: false })
    expect(wrapper.html()).toBe('<p class="content">Indhold</p>')
  })

  it('leaves out the retry button and the hint when asked to, and waits for data', async () => {
    const wrapper = mount(BaseAsyncState, {
      props: { loading: false, error: new ApiError(404), retry: false, data: null },
      slots: { default: '<p class="content">Indhold</p>' },
    })
    expect(wrapper.find('[role="alert"] button').exists()).toBe(false)
    await wrapper.setProps({ error: null, empty: true, emptyTitle: 'Tom.' })
    expect(wrapper.find('.empty__hint').exists()).toBe(false)
    await wrapper.setProps({ empty: false })
    expect(wrapper.find('.content').exists()).toBe(false)
    await wrapper.setProps({ data: 1 })
    expect(wrapper.find('.content').exists()).toBe(true)
  })
})

describe('BaseTable', () => {
  it('renders the frame, the hidden caption and the header row', () => {
    const wrapper = mount(BaseTable, {
      props: { caption: 'Brugere', columns: ['Navn', { label: 'Beløb', class: 'num' }, false, { label: 'Handlinger', hidden: true }], card: true },
      slots: { default: '<tbody><tr><td>A</td></tr></tbody>' },
    })
    expect(wrapper.html().replace(/\s+</g, '<').replace(/>\s+/g, '>')).toBe(
      '<div class="table-wrap card"><table class="table"><caption class="visually-hidden">Brugere</caption><thead><tr>' +
        '<th scope="col">Navn</th><th scope="col" class="num">Beløb</th><th scope="col"><span class="visually-hidden">Handlinger</span></th>' +
        '</tr></thead><tbody><tr><td>A</td></tr></tbody></table></div>',
    )
  })

  it('says aria-busy only when given', async () => {
    const wrapper = mount(BaseTable, { props: { caption: 'X', columns: ['A'] } })
    expect(wrapper.attributes('aria-busy')).toBeUndefined()
    expect(wrapper.attributes('class')).toBe('table-wrap')
    await wrapper.setProps({ busy: false })
    expect(wrapper.attributes('aria-busy')).toBe('false')
  })
})
