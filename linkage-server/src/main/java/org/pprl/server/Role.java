package org.pprl.server;

import java.util.Locale;

/** What a principal may do in the service; see the users table in the design notes. */
public enum Role {
  /** Creates agencies, projects and credentials; sees configuration, never record-level data. */
  ADMIN,
  /** Uploads its one agency's extracts and reads that agency's consented matches. */
  STEWARD,
  /** Asks aggregate overlap questions; sees suppressed counts only. */
  ANALYST,
  /** Reads and verifies the disclosure log. */
  AUDITOR;

  /** The name stored in the database and used on the command line: lower case. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role with this name, case-insensitive.
   *
   * @throws IllegalArgumentException naming the accepted roles if there is none
   */
  public static Role parse(String name) {
    for (Role r : values()) {
      if (r.id().equalsIgnoreCase(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + name + "', expected one of admin, steward, analyst, auditor");
  }

  /** The role's name with its article, for messages: "an admin", "a steward", "an analyst". */
  public String withArticle() {
    return ("aeiou".indexOf(id().charAt(0)) >= 0 ? "an " : "a ") + id();
  }

  /** Whether a principal of this role is bound to one agency (only stewards are). */
  public boolean hasAgency() {
    return this == STEWARD;
  }
}
