/**
 * Linkage schemas: what each CSV column is, how its values are checked and formatted, and how they
 * are tokenized and hashed. {@link org.pprl.core.schema.ClkhashSchema} reads clkhash's version 3
 * format; its errors name the JSON path ({@link org.pprl.core.schema.SchemaException}).
 */
package org.pprl.core.schema;
