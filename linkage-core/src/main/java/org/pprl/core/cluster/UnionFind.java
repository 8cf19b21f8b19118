package org.pprl.core.cluster;

import java.util.Arrays;

/** Disjoint sets over 0..n-1 that grow on demand, with path halving and union by size. */
public final class UnionFind {
  private int[] parent = new int[0];
  private int[] size = new int[0];

  private void grow(int n) {
    if (n <= parent.length) {
      return;
    }
    int capacity = Math.max(n, parent.length * 2);
    int old = parent.length;
    parent = Arrays.copyOf(parent, capacity);
    size = Arrays.copyOf(size, capacity);
    for (int i = old; i < capacity; i++) {
      parent[i] = i;
      size[i] = 1;
    }
  }

  public int find(int x) {
    grow(x + 1);
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  public void union(int x, int y) {
    int rx = find(x);
    int ry = find(y);
    if (rx == ry) {
      return;
    }
    if (size[rx] < size[ry]) {
      int t = rx;
      rx = ry;
      ry = t;
    }
    parent[ry] = rx;
    size[rx] += size[ry];
  }
}
