package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pprl.core.audit.AuditEvent;

/**
 * What an auditor reads at {@code GET /audit/releases}: from the audit log, per project and agency,
 * every accepted upload with the record ids it added and removed, and per UTC day how many sets of
 * consented matches were released to the agency's stewards and how many records they held in total.
 * A steward probing with persons of its choosing shows here as uploads that add few records
 * followed by releases (docs/disclosure.md).
 */
final class ReleaseSummary {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UPLOAD = "extract.upload";
  private static final String RELEASE = "matches.release";

  private ReleaseSummary() {}

  /** One agency's uploads, in log order, and its releases by day. */
  private static final class Agency {
    final List<Map<String, Object>> uploads = new ArrayList<>();
    final TreeMap<String, Day> days = new TreeMap<>();
  }

  /** The releases of one UTC day. */
  private static final class Day {
    long releases;
    long records;
    final TreeSet<Long> stewards = new TreeSet<>();
  }

  /**
   * Reads the log and summarises it: {@code {"projects": [{"project", "agencies": [{"agency",
   * "uploads": [...], "releases": [...]}]}]}}, projects by number, agencies by id, uploads by
   * version, days in order; see docs/service.md.
   */
  static Map<String, Object> read(Store store) {
    TreeMap<Long, TreeMap<String, Agency>> projects = new TreeMap<>();
    store.forEachAuditEvent(
        Set.of(UPLOAD, RELEASE),
        event -> {
          JsonNode detail = detail(event);
          Agency agency =
              projects
                  .computeIfAbsent(detail.path("project").asLong(), p -> new TreeMap<>())
                  .computeIfAbsent(detail.path("agency").asText(), a -> new Agency());
          if (event.action().equals(UPLOAD)) {
            Map<String, Object> upload = new LinkedHashMap<>();
            upload.put("version", detail.path("version").asInt());
            upload.put("uploadedAt", event.time());
            upload.put("steward", event.actor());
            upload.put("records", detail.path("records").asLong());
            // Absent from events logged before uploads were compared: unknown, not zero.
            upload.put("added", detail.hasNonNull("added") ? detail.get("added").asLong() : null);
            upload.put(
                "removed", detail.hasNonNull("removed") ? detail.get("removed").asLong() : null);
            agency.uploads.add(upload);
          } else {
            String day =
                Instant.parse(event.time()).atOffset(ZoneOffset.UTC).toLocalDate().toString();
            Day d = agency.days.computeIfAbsent(day, k -> new Day());
            d.releases++;
            d.records += detail.path("records").asLong();
            d.stewards.add(event.actor());
          }
        });

    List<Map<String, Object>> out = new ArrayList<>();
    projects.forEach(
        (project, agencies) -> {
          List<Map<String, Object>> agencyList = new ArrayList<>();
          agencies.forEach(
              (id, agency) -> {
                List<Map<String, Object>> days = new ArrayList<>();
                agency.days.forEach(
                    (day, d) -> {
                      Map<String, Object> m = new LinkedHashMap<>();
                      m.put("day", day);
                      m.put("releases", d.releases);
                      m.put("records", d.records);
                      m.put("stewards", List.copyOf(d.stewards));
                      days.add(m);
                    });
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("agency", id);
                m.put("uploads", agency.uploads);
                m.put("releases", days);
                agencyList.add(m);
              });
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("project", project);
          m.put("agencies", agencyList);
          out.add(m);
        });
    return Map.of("projects", out);
  }

  /** The detail of an event the service wrote, as JSON. */
  static JsonNode detail(AuditEvent event) {
    try {
      return JSON.readTree(event.detail());
    } catch (IOException e) {
      // The service wrote it as JSON; a row that is not was edited in the database.
      throw new IllegalStateException(
          "audit event " + event.seq() + " has an unreadable detail", e);
    }
  }
}
