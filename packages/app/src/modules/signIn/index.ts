import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { oidcAuthApi } from './oidcAuthApi';
import { signInPage } from './SignInPage';

/**
 * Sign-in: the OIDC auth API and a sign-in page that offers the configured
 * providers (OIDC and GitHub in production, guest in development).
 */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [oidcAuthApi, signInPage],
});
