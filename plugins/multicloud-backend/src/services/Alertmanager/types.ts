import {
  AlertmanagerInstanceStatus,
  MulticloudAlert,
} from '@multicloud/plugin-multicloud-common';

/**
 * One Alertmanager label matcher, as in the API v2 `matchers` of a silence
 * and the `filter` query of `GET /api/v2/alerts` (`name="value"`,
 * `name!="value"`, `name=~"regex"`, `name!~"regex"`).
 */
export type AlertmanagerMatcher = {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
};

/** A silence as Alertmanager returns it. */
export type AlertmanagerSilence = {
  id: string;
  instance: string;
  matchers: AlertmanagerMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  state: 'active' | 'pending' | 'expired';
  /** The silence in the instance's web UI. */
  url: string;
};

/** Silences read from every configured Alertmanager for one entity. */
export type AlertmanagerSilences = {
  /** Active first, then pending, then expired (Alertmanager keeps those a few days). */
  silences: AlertmanagerSilence[];
  /** Every configured instance: one that is down is reported here, never thrown. */
  instances: AlertmanagerInstanceStatus[];
};

/** Alerts read from every configured Alertmanager for one set of matchers. */
export type AlertmanagerAlerts = {
  /** As {@link MulticloudAlert}s with source `alertmanager`, status `open`. */
  alerts: MulticloudAlert[];
  /** Every configured instance: one that is down is reported here, never thrown. */
  instances: AlertmanagerInstanceStatus[];
};

/** Reads alerts from and writes silences to the configured Alertmanagers (API v2). */
export interface AlertmanagerService {
  /** Whether any instance is configured. */
  readonly enabled: boolean;
  /**
   * The matchers of an entity: its `multicloud.io/alert-matchers` annotation
   * (`service="checkout", env=~"prod|staging"`), else `service="<name>"`.
   * @throws InputError when the annotation does not parse (the message quotes it).
   */
  matchersFor(entity: {
    /** With `kind`, the error message names the entity by its ref. */
    kind?: string;
    metadata: {
      name: string;
      namespace?: string;
      annotations?: Record<string, string>;
    };
  }): AlertmanagerMatcher[];
  /** Alerts matching every matcher, from every instance, with silenced/inhibited state. */
  alerts(
    matchers: AlertmanagerMatcher[],
    entityRef: string,
  ): Promise<AlertmanagerAlerts>;
  /**
   * Creates a silence on one instance. The silence's matchers must include
   * every one of `entityMatchers`, so that a user silences only their own
   * entity's alerts.
   * The silence starts now; the result is the silence as created.
   * @throws InputError on a bad end time, comment, creator or matchers (also
   *   when Alertmanager refuses them); NotAllowedError when `matchers` lack one
   *   of `entityMatchers`; NotFoundError for an unknown instance;
   *   ServiceUnavailableError when the instance does not answer.
   */
  createSilence(request: {
    instance: string;
    entityMatchers: AlertmanagerMatcher[];
    matchers: AlertmanagerMatcher[];
    endsAt: Date;
    createdBy: string;
    comment: string;
  }): Promise<AlertmanagerSilence>;
  /**
   * Expires a silence, only if its matchers include every one of
   * `entityMatchers` (else NotAllowedError). Expiring an expired silence
   * does nothing, as in Alertmanager.
   * @throws InputError when the id is not a silence id (a UUID);
   *   NotFoundError for an unknown instance or silence;
   *   ServiceUnavailableError when the instance does not answer.
   */
  expireSilence(request: {
    instance: string;
    silenceId: string;
    entityMatchers: AlertmanagerMatcher[];
    /** Entity ref of the user, for the log. */
    expiredBy?: string;
  }): Promise<void>;
  /** Silences on every instance whose matchers include every one of `entityMatchers`. */
  silences(
    entityMatchers: AlertmanagerMatcher[],
  ): Promise<AlertmanagerSilences>;
}
