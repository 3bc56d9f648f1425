export interface Config {
  permission?: {
    /**
     * The multicloud permission policy
     * (`@multicloud/plugin-permission-backend-module-multicloud-policy`).
     * Takes effect with `permission.enabled: true`.
     */
    multicloudPolicy?: {
      /**
       * Groups whose members are allowed everything, as entity refs such as
       * `group:default/platform-team`; a bare name (`platform-team`) means a
       * group in the default namespace. A user is a member when the group is
       * one of the ownership refs of their sign-in (the sign-in resolver's
       * `ent` claim). A malformed ref, or one that names another kind, stops
       * the backend at startup. Default: none, so nobody can import cost,
       * dry-run templates or run privileged templates.
       * @visibility backend
       */
      adminGroups?: string[];
      /**
       * Who may read an entity's cost (`multicloud.cost.read`), admins aside:
       * `entity-readers` (everyone who can read the entity in the catalog)
       * or `owners` (members of the owning group, and the Group or User
       * entity itself). Default: `entity-readers`.
       * @visibility backend
       */
      costRead?: 'entity-readers' | 'owners';
      /**
       * Template entities whose `metadata.tags` include this tag are visible
       * to, and so can only be run by, admins. Must be a valid catalog tag.
       * Default: `privileged`.
       * @visibility backend
       */
      privilegedTemplateTag?: string;
    };
  };
}
