/** Chart.js with only the parts the app draws: bars and lines on a category axis. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip)

export { Chart }

/** Colours with at least 3:1 contrast on white, told apart by form too (bars vs dashed line). */
export const CHART_COLORS = {
  actual: '#1b4a8a',
  target: '#a34700',
  extra: '#17622f',
} as const

export function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true
}
