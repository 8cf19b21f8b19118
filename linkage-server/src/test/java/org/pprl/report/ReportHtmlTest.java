package org.pprl.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The report's HTML against hostile names: an extract or field name is text the renderer did not
 * choose (a file name, a schema's field), and must neither end the data element, nor open an
 * element or attribute of its own.
 */
class ReportHtmlTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOSTILE =
      "x</script><script>alert(1)</script><svg onload=\"y\">&amp;'";

  private static ObjectNode report() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", "pprl.report.v1");
    root.putArray("extracts").addObject().put("name", HOSTILE).put("records", 7);
    ObjectNode pair = root.putArray("pairsOfExtracts").addObject();
    pair.put("a", HOSTILE).put("b", HOSTILE).put("candidates", 3).put("links", 1);
    pair.put("estimatedMatches", 1.0).putNull("truePairs");
    ObjectNode w = pair.putObject("weights");
    w.put("measure", "matchWeight").put("cut", 2.5).putNull("minPosterior");
    w.put("from", -1.5).put("width", 1.0).putArray("counts").add(1).add(1).add(0).add(0).add(1);
    ObjectNode field =
        root.putArray("models")
            .addObject()
            .put("scope", "inside")
            .putArray("fields")
            .addObject()
            .put("name", HOSTILE);
    field
        .putArray("levels")
        .addObject()
        .put("level", HOSTILE)
        .put("m", 1.0)
        .put("u", 1.0)
        .put("r", 1.0);
    root.putObject("entities").put("count", 1).put("linkedRecords", 2).put("largest", 2);
    root.putArray("entitySizes").addObject().put("size", 2).put("entities", 1);
    return root;
  }

  @Test
  void page_hostileNames_areTextAndTheDataReadsBackWhole() throws Exception {
    ObjectNode data = report();
    String html = ReportHtml.page(data, HOSTILE, JSON.writeValueAsString(data));

    assertFalse(html.contains("<script>alert"), "a name opened a script");
    assertFalse(html.contains("<svg onload"), "a name opened an element");
    assertEquals(1, html.split("<script", -1).length - 1, "the data element alone");
    assertTrue(html.contains("x&lt;/script&gt;&lt;script&gt;"), "the name shown as text");
    String open = "<script type=\"application/json\" id=\"report-data\">";
    int from = html.indexOf(open) + open.length();
    JsonNode back = JSON.readTree(html.substring(from, html.indexOf("</script>", from)));
    assertEquals(data, back);
  }

  @Test
  void fragment_cutOnABinsEdge_marksTheBinsAtOrAboveIt() {
    String html = ReportHtml.fragment(report(), "t", "no truth");

    // Bins from -1.5 by 1: the cut 2.5 is the edge between the fourth and the fifth.
    assertTrue(html.contains("<th scope=\"row\">1.5 to 2.5</th><td>0</td><td>below</td>"), html);
    assertTrue(
        html.contains("<th scope=\"row\">2.5 to 3.5</th><td>1</td><td>at or above</td>"), html);
    assertFalse(html.contains("style="), "no style attribute: the service's pages forbid them");
  }

  @Test
  void report_withoutTruePairs_saysWhyTheyAreNotKnown_andWithThem_showsThem() {
    String why = "True counts are not known here <because>.";
    String without = ReportHtml.fragment(report(), "t", why);
    assertTrue(without.contains("True counts are not known here &lt;because&gt;."), without);
    assertFalse(without.contains("true pairs</th>"), without);
    String file = ReportHtml.page(report(), "t", "{}");
    assertTrue(file.contains(ReportHtml.NO_TRUTH_GIVEN), "the command's file says why");

    ObjectNode data = report();
    ((ObjectNode) data.get("pairsOfExtracts").get(0)).put("truePairs", 7);
    String with = ReportHtml.fragment(data, "t", why);
    assertFalse(with.contains("not known here"), with);
    assertTrue(with.contains("<th scope=\"col\">true pairs</th>"), with);
  }
}
