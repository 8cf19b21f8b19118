package org.pprl.core.cluster;

/**
 * Records grouped into entities: {@code clusterOf[r]} is record {@code r}'s entity number, from 0
 * to {@code count - 1}, numbered in order of each entity's smallest record. A record linked to
 * nothing is an entity of its own.
 */
public record Clusters(int[] clusterOf, int count) {

  /** Number of records in each entity. */
  public int[] sizes() {
    int[] sizes = new int[count];
    for (int c : clusterOf) {
      sizes[c]++;
    }
    return sizes;
  }
}
