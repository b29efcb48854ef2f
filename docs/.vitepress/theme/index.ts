import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import XorPlayground from './components/XorPlayground.vue';
import { useRunButtons } from './run-buttons';
import './run-buttons.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('XorPlayground', XorPlayground);
  },
  setup() {
    useRunButtons();
  },
} satisfies Theme;
