package org.pprl.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One record's k best partners by CLK Dice, ties to the smaller record number, each partner once:
 * the rule of the core's {@code CandidateSearch.Nearest}, so that lists merged in any order keep
 * what the single-machine search keeps. A partner's score is the same however often it is offered
 * (it is the pair's Dice), which is what makes the merge order-free.
 */
final class TopK implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] ids;
  private final float[] scores;

  /** Filled slots, best first; the rest hold a score of -1. */
  private int size;

  TopK(int k) {
    ids = new int[k];
    scores = new float[k];
    Arrays.fill(scores, -1f);
  }

  /** Keeps {@code other} at {@code score} if it is among the k best offered so far. */
  void offer(int other, float score) {
    int last = ids.length - 1;
    if (score < scores[last] || (score == scores[last] && other > ids[last])) {
      return;
    }
    for (int q = 0; q < size; q++) {
      if (ids[q] == other) {
        return; // offered before, by another key's block
      }
    }
    int q = Math.min(size, last);
    while (q > 0 && (scores[q - 1] < score || (scores[q - 1] == score && ids[q - 1] > other))) {
      scores[q] = scores[q - 1];
      ids[q] = ids[q - 1];
      q--;
    }
    scores[q] = score;
    ids[q] = other;
    size = Math.min(size + 1, ids.length);
  }

  /** This list with {@code other}'s partners offered to it. */
  TopK merge(TopK other) {
    for (int q = 0; q < other.size; q++) {
      offer(other.ids[q], other.scores[q]);
    }
    return this;
  }

  int size() {
    return size;
  }

  /** The {@code q}-th best partner, {@code q < size()}. */
  int id(int q) {
    assert q < size : q + " of " + size;
    return ids[q];
  }
}
