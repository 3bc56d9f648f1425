import { githubAuthApiRef } from '@backstage/frontend-plugin-api';
import type { ConfigApi } from '@backstage/frontend-plugin-api';
import type { SignInProviderConfig } from '@backstage/core-components';
import { oidcAuthApiRef } from './oidcAuthApi';

/** The sign-in card of the backend's `oidc` provider. */
export const oidcSignInProvider: SignInProviderConfig = {
  id: 'oidc-auth-provider',
  title: 'Single sign-on',
  message: "Sign in with your organisation's account (OpenID Connect)",
  apiRef: oidcAuthApiRef,
};

/** The sign-in card of the backend's `github` provider. */
export const githubSignInProvider: SignInProviderConfig = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in with your GitHub account',
  apiRef: githubAuthApiRef,
};

/**
 * The sign-in cards for the providers that `auth.providers` configures: OIDC
 * and GitHub where an app-config overlay sets them up (production), guest
 * where app-config.yaml does (development). The backend serves only the
 * providers it is configured for, so offering any other would only fail.
 * With none configured the page offers guest, as Backstage's default page
 * does.
 */
export function signInProvidersFor(
  config: ConfigApi,
): Array<'guest' | SignInProviderConfig> {
  const configured = new Set(
    config.getOptionalConfig('auth.providers')?.keys() ?? [],
  );
  const providers: Array<'guest' | SignInProviderConfig> = [];
  if (configured.has('oidc')) {
    providers.push(oidcSignInProvider);
  }
  if (configured.has('github')) {
    providers.push(githubSignInProvider);
  }
  if (configured.has('guest') || providers.length === 0) {
    providers.push('guest');
  }
  return providers;
}
