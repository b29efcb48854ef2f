import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import XorPlayground from './components/XorPlayground.vue';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('XorPlayground', XorPlayground);
  },
} satisfies Theme;
