package org.pprl.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One record's k best partners by CLK Dice, ties to the smaller record number, each partner once:
 * the rule of the core's {@code CandidateSearch.Nearest}, so that lists merged in any order keep
 * what the single-machine search keeps. A partner's score is the same however often it is offered
 * (it is the pair's Dice), which is what makes the merge order-free. Each partner may carry a
 * number of the pair's own (its raw field levels), kept with it.
 */
final class TopK implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] ids;
  private final float[] scores;
  private final long[] codes;

  /** Filled slots, best first; the rest hold a score of -1. */
  private int size;

  TopK(int k) {
    ids = new int[k];
    scores = new float[k];
    codes = new long[k];
    Arrays.fill(scores, -1f);
  }

  /** Keeps {@code other} at {@code score} if it is among the k best offered so far. */
  void offer(int other, float score) {
    offer(other, score, 0);
  }

  /**
   * Whether {@link #offer} could keep {@code other} at {@code score} (false: it would not), so that
   * a pair's {@code code} is computed only for the pairs a list may keep.
   */
  boolean admits(int other, float score) {
    int last = ids.length - 1;
    return !(score < scores[last] || (score == scores[last] && other > ids[last]));
  }

  /**
   * Keeps {@code other} at {@code score}, with the pair's {@code code}, if it is among the k best
   * offered so far.
   */
  void offer(int other, float score, long code) {
    if (!admits(other, score)) {
      return;
    }
    int last = ids.length - 1;
    for (int q = 0; q < size; q++) {
      if (ids[q] == other) {
        return; // offered before, by another key's block
      }
    }
    int q = Math.min(size, last);
    while (q > 0 && (scores[q - 1] < score || (scores[q - 1] == score && ids[q - 1] > other))) {
      scores[q] = scores[q - 1];
      ids[q] = ids[q - 1];
      codes[q] = codes[q - 1];
      q--;
    }
    scores[q] = score;
    ids[q] = other;
    codes[q] = code;
    size = Math.min(size + 1, ids.length);
  }

  /** This list with {@code other}'s partners offered to it. */
  TopK merge(TopK other) {
    for (int q = 0; q < other.size; q++) {
      offer(other.ids[q], other.scores[q], other.codes[q]);
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

  /** The code the {@code q}-th best partner was kept with, {@code q < size()}. */
  long code(int q) {
    assert q < size : q + " of " + size;
    return codes[q];
  }
}
