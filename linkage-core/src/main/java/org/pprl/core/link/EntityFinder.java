package org.pprl.core.link;

import java.util.List;

/**
 * Clusters the entities of a linkage in place of the linker's own clustering, for an engine that
 * runs it elsewhere (linkage-spark runs it on Apache Spark's executors). The decisions stay the
 * linker's; the engine gets them as an {@link EntityPlan}: the components of the links on their
 * own, each clustered on its own with the plan's {@link EntityPlan.Rules#cluster}, and the term
 * frequencies that weigh a pair's shared values, which the engine counts. An implementation that
 * clusters every component with the plan's rules and the counts the plan describes gives the
 * linker's own entities and links.
 */
public interface EntityFinder {
  /**
   * Every component of {@code plan} clustered once, in parts of one or more components in any order
   * ({@link EntityPlan.Part#of} joins parts).
   */
  List<EntityPlan.Part> find(EntityPlan plan);
}
