package org.pprl.server;

import java.util.Objects;

/**
 * One caller of the service: a bearer token's identity as stored, never the token itself.
 *
 * @param id the principal's number, stable for its lifetime
 * @param name a label chosen by the administrator, or null
 * @param role what it may do
 * @param agency the agency a steward is bound to; null for every other role
 * @param created when the token was made, ISO-8601 UTC
 */
public record Principal(long id, String name, Role role, String agency, String created) {
  /** Checks that only a steward has an agency. */
  public Principal {
    Objects.requireNonNull(role, "role");
    if (role.hasAgency() != (agency != null)) {
      throw new IllegalArgumentException(
          role.withArticle() + " " + (role.hasAgency() ? "needs" : "must not have") + " an agency");
    }
  }
}
