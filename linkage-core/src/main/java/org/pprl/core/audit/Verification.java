package org.pprl.core.audit;

/**
 * What {@link Verifier} found in an exported audit log.
 *
 * @param problem the first problem, or null if the log verified
 * @param seq the sequence number the problem is at (0 if none)
 * @param message one line explaining the problem, or null
 * @param events the number of events read before the problem (all of them if none)
 * @param checkpoints the number of valid checkpoints read before the problem
 * @param unsignedTail events after the last valid checkpoint: not covered by any signature, so a
 *     warning ({@link Reason#UNSIGNED_TAIL}) rather than a failure
 */
public record Verification(
    Reason problem, long seq, String message, long events, long checkpoints, long unsignedTail) {

  /** Why a log does not verify (or, for {@link #UNSIGNED_TAIL}, why it only partly does). */
  public enum Reason {
    /** An event's content does not match its hash, or the chain does not match a checkpoint. */
    EDITED,
    /** An event is absent: a gap in the sequence numbers, or a checkpoint past the last event. */
    MISSING,
    /** Events are out of order, repeated, or a checkpoint is not right after its event. */
    REORDERED,
    /** A checkpoint's signature is not the public key's over its sequence number and hash. */
    BAD_SIGNATURE,
    /** A warning, not a failure: events after the last checkpoint are not signed. */
    UNSIGNED_TAIL,
    /** Against an earlier export: this log ends before events the earlier one had. */
    TRUNCATED,
    /** Against an earlier export: an event the earlier one had now has another hash. */
    REWRITTEN
  }

  /** Whether the log verified (an unsigned tail is only a warning). */
  public boolean ok() {
    return problem == null;
  }

  /** {@link Reason#UNSIGNED_TAIL} if the log verified but ends with unsigned events, else null. */
  public Reason warning() {
    return ok() && unsignedTail > 0 ? Reason.UNSIGNED_TAIL : null;
  }
}
