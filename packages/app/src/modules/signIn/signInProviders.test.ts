import { mockApis } from '@backstage/frontend-test-utils';
import {
  githubSignInProvider,
  oidcSignInProvider,
  signInProvidersFor,
} from './signInProviders';

describe('signInProvidersFor', () => {
  const providersOf = (providers: object) =>
    signInProvidersFor(mockApis.config({ data: { auth: { providers } } }));

  it('offers guest alone when only guest is configured (development)', () => {
    expect(providersOf({ guest: {} })).toEqual(['guest']);
  });

  it('offers OIDC without guest when only OIDC is configured (production)', () => {
    expect(providersOf({ oidc: {} })).toEqual([oidcSignInProvider]);
  });

  it('offers every configured provider, OIDC first', () => {
    expect(providersOf({ guest: {}, github: {}, oidc: {} })).toEqual([
      oidcSignInProvider,
      githubSignInProvider,
      'guest',
    ]);
  });

  it("falls back to guest, as Backstage's default page does, when nothing is configured", () => {
    expect(signInProvidersFor(mockApis.config())).toEqual(['guest']);
  });
});
