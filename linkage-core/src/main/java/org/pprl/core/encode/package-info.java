/**
 * Encoding records into Bloom filters: {@link org.pprl.core.encode.ClkEncoder} produces clkhash's
 * CLKs bit for bit, {@link org.pprl.core.encode.CsvRows} reads CSV as clkhash does, and {@link
 * org.pprl.core.encode.RecordException} reports a bad row by number and column, never by value. Key
 * derivation, hashing, token caches and folding are package-private.
 */
package org.pprl.core.encode;
