import { SignInPage } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  SignInPageProps,
} from '@backstage/plugin-app-react';
import { signInProvidersFor } from './signInProviders';

function ConfiguredSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  return <SignInPage {...props} providers={signInProvidersFor(config)} />;
}

/**
 * Replaces the app's default sign-in page, which offers guest only, with one
 * that offers the providers the configuration sets up (see
 * `signInProvidersFor`).
 */
export const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => ConfiguredSignInPage,
  },
});
