/**
 * Attacks on encodings, as the linkage unit or anyone holding the extracts could run them without
 * the secret: the frequency attack (exact and clustered groups aligned with public value counts,
 * within strata of clear attributes). A steward or the service uses them to assess an extract
 * before it is linked; the benchmarks use them to choose the encoding defaults.
 */
package org.pprl.core.assess;
