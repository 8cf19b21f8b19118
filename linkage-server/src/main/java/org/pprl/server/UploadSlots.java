package org.pprl.server;

import java.util.HashMap;
import java.util.Map;
import org.pprl.server.ApiException.Code;

/**
 * How many uploads are being received, over all and per steward's token, with a limit on each: an
 * upload holds a server thread and a file in {@code incoming/} for as long as its body takes, so a
 * steward (or a stolen token) sending many slow bodies at once would otherwise starve everyone
 * else. Refused at once, never queued: {@code too_many_uploads} (429) for one steward's, {@code
 * uploads_busy} (503) for the service's.
 */
final class UploadSlots {
  private final int total;
  private final int perSteward;
  private final Map<Long, Integer> byPrincipal = new HashMap<>();
  private int inFlight;

  UploadSlots(int total, int perSteward) {
    this.total = total;
    this.perSteward = perSteward;
  }

  /** One upload's place, given back when closed. */
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes a place for an upload of {@code principal}.
   *
   * @throws ApiException {@code too_many_uploads} or {@code uploads_busy} when there is none
   */
  synchronized Slot acquire(Principal principal) {
    int own = byPrincipal.getOrDefault(principal.id(), 0);
    if (own >= perSteward) {
      throw new ApiException(
          Code.TOO_MANY_UPLOADS,
          "this token has "
              + own
              + " uploads in flight, the most allowed at once; send again when one has finished");
    }
    if (inFlight >= total) {
      throw new ApiException(
          Code.UPLOADS_BUSY,
          "the service is receiving " + inFlight + " uploads, the most at once; send again later");
    }
    inFlight++;
    byPrincipal.merge(principal.id(), 1, Integer::sum);
    boolean[] released = new boolean[1];
    return () -> {
      synchronized (UploadSlots.this) {
        if (!released[0]) {
          released[0] = true;
          inFlight--;
          byPrincipal.computeIfPresent(principal.id(), (k, n) -> n == 1 ? null : n - 1);
        }
      }
    };
  }

  /** Uploads being received now. */
  synchronized int inFlight() {
    return inFlight;
  }
}
