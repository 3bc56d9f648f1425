import { createApp } from '@backstage/frontend-defaults';
import ReactDOM from 'react-dom/client';

import plugin from '../src/alpha';

// @backstage/frontend-dev-utils still builds on frontend-plugin-api 0.18;
// a plain app of the new frontend system serves the plugin alone.
const app = createApp({ features: [plugin] });

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
