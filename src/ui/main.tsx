import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import './styles/source.css';
import './styles/compare.css';
import './styles/lessons.css';
import './styles/explain.css';
import { App } from './App';
import { installActivityStyle } from './panels/activityStyle';

installActivityStyle(document);
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
