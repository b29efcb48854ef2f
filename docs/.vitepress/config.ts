import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

const apiSidebarFile = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
// Written by TypeDoc (typedoc-vitepress-theme) before `vitepress build`; absent when the reference was not generated.
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile)
  ? JSON.parse(readFileSync(apiSidebarFile, 'utf8'))
  : [];

/** The guides, in reading order: the order of the course, then the practical pages. */
export const guides: DefaultTheme.SidebarItem[] = [
  {
    text: 'Start',
    items: [{ text: 'Getting started', link: '/guide/getting-started' }],
  },
  {
    text: 'How neural networks work',
    items: [
      { text: 'The neuron and the perceptron', link: '/guide/neuron-and-perceptron' },
      { text: 'Activation functions', link: '/guide/activations' },
      { text: 'Feed-forward networks', link: '/guide/feed-forward' },
      { text: 'Loss functions', link: '/guide/losses' },
      { text: 'Forward and backward propagation', link: '/guide/backpropagation' },
      { text: 'Gradient descent', link: '/guide/gradient-descent' },
      { text: 'Convolutional networks', link: '/guide/cnn' },
      { text: 'Recurrent networks', link: '/guide/rnn' },
    ],
  },
  {
    text: 'Building real things',
    items: [
      { text: 'Models and training', link: '/guide/models-and-training' },
      { text: 'The functional API and real models', link: '/guide/functional-and-real-models' },
      { text: 'Saving and loading', link: '/guide/saving-and-loading' },
      { text: 'Tensors, memory and autodiff', link: '/guide/tensors-and-autodiff' },
    ],
  },
  {
    text: 'Running it',
    items: [
      { text: 'Backends and how to choose', link: '/guide/backends' },
      { text: 'Backend matrix', link: '/backend-matrix' },
      { text: 'Training in the browser', link: '/guide/browser' },
      { text: 'Performance', link: '/guide/performance' },
      { text: 'Reproducibility across backends', link: '/guide/reproducibility' },
      { text: 'Moving to TensorFlow and Keras', link: '/guide/tensorflow-and-keras' },
    ],
  },
  {
    text: 'Try it',
    items: [
      { text: 'XOR playground', link: '/playground' },
      { text: 'MNIST demo', link: '/mnist-demo' },
    ],
  },
];

const contributing: DefaultTheme.SidebarItem[] = [
  {
    text: 'Contributing',
    items: [
      { text: 'Architecture', link: '/contributing/architecture' },
      { text: 'How a backend plugs in', link: '/contributing/backend' },
      { text: 'Adding an op or a kernel', link: '/contributing/adding-a-kernel' },
    ],
  },
];

export default defineConfig({
  title: 'Neurona',
  description: 'A TypeScript neural-network library with a Keras-style API and plug-in compute backends.',
  outDir: 'site',
  cleanUrls: false,
  lastUpdated: false,
  srcExclude: ['test/**', 'scripts/**', 'site/**', 'site-artifacts/**', 'README.md'],
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/logo.svg' }]],
  markdown: { math: true },
  vite: {
    // The packages are imported from their TypeScript sources, as the tests do.
    resolve: { conditions: ['@neurona/source'] },
    server: { host: '127.0.0.1' },
    // MathJax and the local search index make large chunks; the site is static, nothing to split for.
    build: { chunkSizeWarningLimit: 2000 },
  },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guide', link: '/guide/getting-started', activeMatch: '/guide/' },
      { text: 'Playground', link: '/playground' },
      { text: 'API', link: '/api/', activeMatch: '/api/' },
      { text: 'Contributing', link: '/contributing/architecture', activeMatch: '/contributing/' },
    ],
    sidebar: {
      '/guide/': guides,
      '/backend-matrix': guides,
      '/playground': guides,
      '/contributing/': contributing,
      '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar }],
    },
    outline: [2, 3],
    search: { provider: 'local' },
    docFooter: { prev: 'Previous', next: 'Next' },
  },
});
