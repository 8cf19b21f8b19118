package org.pprl.core.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made agencies for the query tests: records are added with a link id, or null for none. */
final class Populations {
  static final String CS = "childrens_services";
  static final String HS = "homeless_services";
  static final String PA = "public_assistance";

  private final Map<String, AgencyRecords.Builder> builders = new LinkedHashMap<>();
  private final List<LinkedPopulation.Link> links = new ArrayList<>();
  private final Map<String, Integer> counter = new HashMap<>();

  Populations() {
    builders.put(
        CS,
        AgencyRecords.builder(
            CS,
            List.of("foster_care", "foster_discharge_date", "gender"),
            List.of("research", "service_coordination")));
    builders.put(
        HS,
        AgencyRecords.builder(
            HS, List.of("shelter_entry_date", "shelter_type"), List.of("research")));
    builders.put(PA, AgencyRecords.builder(PA, List.of("case_type"), List.of("other_purpose")));
  }

  /**
   * Adds a record to an agency and returns its id. {@code kv} alternates attribute names and values
   * (a null value is missing); {@code consent} lists purposes.
   */
  String add(String agency, String link, List<String> consent, String... kv) {
    int n = counter.merge(agency, 1, Integer::sum);
    String id = agency.substring(0, 2).toUpperCase(java.util.Locale.ROOT) + "-" + n;
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        values.put(kv[i], kv[i + 1]);
      }
    }
    builders.get(agency).add(id, values, consent);
    if (link != null) {
      links.add(new LinkedPopulation.Link(agency, id, link));
    }
    return id;
  }

  String add(String agency, String link, String... kv) {
    return add(agency, link, List.of(), kv);
  }

  LinkedPopulation build() {
    List<AgencyRecords> records = new ArrayList<>();
    for (AgencyRecords.Builder b : builders.values()) {
      records.add(b.build());
    }
    return LinkedPopulation.of(records, links);
  }
}
