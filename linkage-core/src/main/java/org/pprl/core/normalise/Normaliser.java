package org.pprl.core.normalise;

/**
 * A value normaliser: maps one raw field value to its canonical form before tokenising and hashing.
 *
 * <p>Contract shared by every implementation in this package:
 *
 * <ul>
 *   <li>The empty string means <em>missing</em>; {@code apply("")} returns {@code ""}, and a {@code
 *       null} argument is treated as missing too.
 *   <li>Implementations are immutable and safe to share between threads.
 *   <li>A value that cannot be normalised raises {@link NormaliseException}, whose message never
 *       contains the value; the caller adds the row number and column name.
 * </ul>
 */
@FunctionalInterface
public interface Normaliser {
  /**
   * Returns the normalised value, or {@code ""} when the value is missing.
   *
   * @throws NormaliseException if the value has a shape this normaliser cannot accept
   */
  String apply(String value);
}
