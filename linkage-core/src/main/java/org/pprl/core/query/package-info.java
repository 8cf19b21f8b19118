/**
 * Questions over linked records: {@link org.pprl.core.query.AgencyRecords} holds one agency's ids,
 * attributes and consent, {@link org.pprl.core.query.LinkedPopulation} adds the links, {@link
 * org.pprl.core.query.QuestionEvaluator} answers an {@link org.pprl.core.query.OverlapQuestion}
 * with a raw {@link org.pprl.core.disclose.CountTable}, and {@link
 * org.pprl.core.query.ConsentedMatches} lists a steward's consented links. Nothing here suppresses
 * cells; that is the disclosure step's job.
 */
package org.pprl.core.query;
