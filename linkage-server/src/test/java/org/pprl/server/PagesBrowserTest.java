package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Each role's page in a real browser (Debian's headless chromium through its chromedriver; skipped
 * where they are not installed, as {@code .ci/run} installs them): each role signs in, does its
 * main task, sees what the API shows it, and is refused another role's data. A screenshot of each
 * page goes to {@code target/page-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PagesBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "page-screenshots");

  /** As generous as a run's wait elsewhere: the machine may be busy; this is no timing test. */
  static final Duration WAIT = Duration.ofMillis(RunFixture.WAIT_MILLIS);

  @TempDir static Path dir;
  static PagesFixture service;
  static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no " + CHROMIUM + " or " + CHROMEDRIVER + ": the browser tests are skipped");
    service = new PagesFixture(dir, 2500);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")));
    ChromeDriverService driver =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(driver, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.close();
    }
  }

  /** A wait that leaves a screenshot of the page behind when it gives up. */
  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, WAIT) {
      @Override
      protected RuntimeException timeoutException(String message, Throwable cause) {
        try {
          screenshot("timed-out-" + System.nanoTime());
        } catch (IOException e) {
          cause.addSuppressed(e);
        }
        return super.timeoutException(message, cause);
      }
    };
  }

  /** Signs in on the sign-in page with {@code token} and waits for the role's page. */
  private static void signIn(String token, String role) {
    browser.manage().deleteAllCookies();
    browser.get(service.page("index.html"));
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
    waiting().until(ExpectedConditions.urlToBe(service.page(role + ".html")));
    waiting().until(d -> !d.findElement(By.id("who")).getText().isEmpty());
    assertFalse(browser.getCurrentUrl().contains(token), "the token is in the address");
    assertEquals(
        token,
        ((JavascriptExecutor) browser)
            .executeScript("return sessionStorage.getItem('pprl.token')"));
    assertEquals("", ((JavascriptExecutor) browser).executeScript("return document.cookie"));
  }

  private static void screenshot(String name) throws IOException {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
  }

  /** Opens another role's page and waits for the service's refusal to be shown. */
  private static void refusedOn(String page, String shot) throws IOException {
    browser.get(service.page(page));
    WebElement alert = browser.findElement(By.id("alert"));
    waiting().until(d -> alert.getText().contains("forbidden"));
    assertTrue(alert.getText().contains("HTTP 403"), alert.getText());
    screenshot(shot);
  }

  private static JsonNode api(String path, String token) {
    return send(service.client, request(service.server.port(), path, token).GET().build()).body();
  }

  /**
   * The page shows every cell of the table as the API released it, the suppressed ones ({@code *})
   * marked and no other; returns how many were suppressed.
   */
  private static int assertTableShown(JsonNode table, WebElement shown, String name) {
    List<WebElement> rows = shown.findElements(By.cssSelector("tbody tr"));
    assertEquals(table.get("rows").size() + 1, rows.size(), name + ": rows and the total");
    int suppressed = 0;
    for (int r = 0; r < table.get("rows").size(); r++) {
      List<WebElement> cells = rows.get(r).findElements(By.tagName("td"));
      for (int c = 0; c < table.get("cells").get(r).size(); c++) {
        String value = table.get("cells").get(r).get(c).asText();
        assertEquals(value, cells.get(c).getText(), name + " cell " + r + "," + c);
        assertEquals(
            value.equals("*"),
            "suppressed".equals(cells.get(c).getDomAttribute("class")),
            name + ": marking of " + r + "," + c);
        suppressed += value.equals("*") ? 1 : 0;
      }
    }
    return suppressed;
  }

  /** An assessment as the pages write it: its verdict, then the checks that failed. */
  private static String verdict(JsonNode assessment) {
    if (assessment.isNull()) {
      return "not assessed";
    }
    List<String> failed = new ArrayList<>();
    assessment.get("failed").forEach(f -> failed.add(f.asText()));
    return assessment.get("verdict").asText()
        + (failed.isEmpty() ? "" : ": " + String.join("; ", failed));
  }

  /**
   * Waits for the table of extract versions of the project to show exactly the versions {@code
   * listing} (the API's answer to the same caller) holds, each with its sha256 and assessments.
   */
  private static void assertVersionsShown(JsonNode listing) {
    By rows = By.cssSelector("#extracts-" + service.project + " tbody tr");
    waiting().until(ExpectedConditions.numberOfElementsToBe(rows, listing.size()));
    List<WebElement> shown = browser.findElements(rows);
    for (int i = 0; i < listing.size(); i++) {
      JsonNode x = listing.get(i);
      String name = x.get("agency").asText() + " v" + x.get("version").asInt();
      assertEquals(name, shown.get(i).findElement(By.tagName("th")).getText());
      List<WebElement> cells = shown.get(i).findElements(By.tagName("td"));
      assertEquals(x.get("sha256").asText(), cells.get(5).getText(), name);
      assertEquals(verdict(x.get("assessment")), cells.get(6).getText(), name);
      assertEquals(x.has("assessmentWithOthers") ? 8 : 7, cells.size(), name + ": columns");
      if (x.has("assessmentWithOthers")) {
        assertEquals(verdict(x.get("assessmentWithOthers")), cells.get(7).getText(), name);
      }
    }
  }

  @Test
  @Order(1)
  void steward_uploadsItsExtract_andGetsTheReceipt() throws Exception {
    signIn(service.stewards.get(PagesFixture.HS), "steward");
    long p = service.project;
    browser
        .findElement(By.id("file-" + p))
        .sendKeys(service.city.extract(PagesFixture.HS).toAbsolutePath().toString());
    browser.findElement(By.xpath("//button[text()='Upload to project " + p + "']")).click();
    WebElement receipt = browser.findElement(By.id("receipt-" + p));
    waiting().until(d -> receipt.getText().contains("Receipt of the upload"));
    JsonNode extract =
        api("/projects/" + p, service.tokens.get(Role.ADMIN))
            .at("/extracts/" + PagesFixture.HS.id());
    assertEquals(1, extract.get("version").asInt());
    assertTrue(
        receipt.getText().contains(String.format("records %,d", extract.get("records").asLong())),
        receipt.getText());
    // Its uploads with their receipts, as the API lists them to it: its own agency's alone.
    JsonNode own =
        api("/projects/" + p + "/extracts", service.stewards.get(PagesFixture.HS)).get("extracts");
    assertEquals(1, own.size(), own.toString());
    waiting()
        .until(
            d ->
                d.findElement(By.id("uploads-" + p))
                    .getText()
                    .contains(own.get(0).get("sha256").asText()));
    assertVersionsShown(own);
    String page = browser.findElement(By.id("main")).getText();
    assertFalse(page.contains(service.firstReceipt.get("sha256").asText()), "another's upload");
    assertFalse(page.contains(PagesFixture.CS.id() + " v"), "another agency's version");
    screenshot("steward-upload");
  }

  @Test
  @Order(2)
  void admin_runsTheLinkage_andReadsItsReport() throws Exception {
    String admin = service.tokens.get(Role.ADMIN);
    signIn(admin, "admin");
    long p = service.project;
    JsonNode versions = api("/projects/" + p + "/extracts", admin).get("extracts");
    assertEquals(2, versions.size(), "both agencies' uploads: " + versions);
    assertVersionsShown(versions);
    assertTrue(
        browser
            .findElement(By.id("extracts-" + p))
            .getText()
            .contains("assessment with the other agencies\u2019 extracts"));
    screenshot("admin-extracts");
    browser.findElement(By.xpath("//button[text()='Start a run of project " + p + "']")).click();
    By report = By.xpath("//button[text()='Report of run 1']");
    waiting().until(ExpectedConditions.elementToBeClickable(report)).click();
    waiting()
        .until(
            ExpectedConditions.numberOfElementsToBeMoreThan(
                By.cssSelector("#report-" + p + " svg.chart"), 4));
    JsonNode summary = api("/projects/" + p + "/runs/1", admin).get("summary");
    String shown = browser.findElement(By.id("report-" + p)).getText();
    assertTrue(
        shown.contains(
            String.format("%,d entities of two or more records", summary.get("entities").asLong())),
        shown);
    assertTrue(shown.contains("m and u per field and level"), shown);
    assertTrue(shown.contains(PageEndpoints.NO_TRUTH_IN_SERVICE), "true counts are not known");
    screenshot("admin-report");
  }

  @Test
  @Order(3)
  void analyst_readsTheStatutoryTables_withSuppressedCellsMarked_andIsRefusedRuns()
      throws Exception {
    String analyst = service.tokens.get(Role.ANALYST);
    signIn(analyst, "analyst");
    browser.findElement(By.cssSelector("#ask button[type=submit]")).click();
    By tables = By.cssSelector("#answer table");
    waiting().until(ExpectedConditions.numberOfElementsToBe(tables, 1));
    // Every cell as the API released it to the same analyst, the symbol's cells marked.
    JsonNode released =
        api("/projects/" + service.project + "/statutory?purpose=research", analyst).get("tables");
    List<WebElement> shown = browser.findElements(tables);
    assertEquals(1, released.size());
    for (int t = 0; t < released.size(); t++) {
      assertTableShown(released.get(t).get("table"), shown.get(t), "table " + t);
    }
    assertEquals(1, browser.findElements(By.cssSelector("#answer svg.chart")).size());
    assertTrue(
        browser.findElement(By.cssSelector("#answer .notes")).getText().contains("Exact counts"));
    assertEquals(
        1, browser.findElements(By.xpath("//button[starts-with(text(), 'Download ')]")).size());
    screenshot("analyst-statutory");
    refusedOn("admin.html", "analyst-refused-admin-page");
    assertTrue(
        browser.findElements(By.cssSelector("#runs-" + service.project + " table")).isEmpty());
  }

  @Test
  @Order(4)
  void auditor_seesTheLogVerify_andItsTimeline_andIsRefusedMatches() throws Exception {
    signIn(service.tokens.get(Role.AUDITOR), "auditor");
    WebElement verdict = browser.findElement(By.id("verification"));
    waiting().until(d -> verdict.getText().contains("The log verifies"));
    By rows = By.cssSelector("#timeline tbody tr");
    waiting().until(ExpectedConditions.numberOfElementsToBeMoreThan(rows, 5));
    new Select(browser.findElement(By.id("kind"))).selectByValue("release");
    // The analyst's statutory release is there, and nothing else once the filter applies.
    waiting()
        .until(
            d -> {
              List<String> shown = shownActions(rows);
              return !shown.isEmpty() && shown.stream().allMatch(a -> a.endsWith(".release"));
            });
    screenshot("auditor-timeline");
    // The administration: the set-up's agencies, tokens and project, and nothing else.
    new Select(browser.findElement(By.id("kind"))).selectByValue("admin");
    waiting()
        .until(
            d ->
                shownActions(rows).contains("agency.create")
                    && shownActions(rows).stream()
                        .allMatch(
                            a ->
                                a.startsWith("agency.")
                                    || a.startsWith("token.")
                                    || a.equals("project.create")));
    refusedOn("steward.html", "auditor-refused-steward-page");
  }

  /** The action column of the timeline's rows; empty while none are shown. */
  private List<String> shownActions(By rows) {
    return browser.findElements(rows).stream()
        .map(row -> row.findElements(By.tagName("td")).get(1).getText())
        .toList();
  }

  @Test
  @Order(5)
  void steward_readsItsConsentedMatches_andIsRefusedTheLog() throws Exception {
    String steward = service.stewards.get(PagesFixture.CS);
    signIn(steward, "steward");
    JsonNode matches =
        api("/projects/" + service.project + "/matches?purpose=service_coordination", steward);
    WebElement section = browser.findElement(By.id("matches-" + service.project));
    String expected =
        String.format(
            "%,d records of %s have a consented match",
            matches.get("count").asLong(), PagesFixture.CS.id());
    waiting().until(d -> section.getText().contains(expected));
    JsonNode own = api("/projects/" + service.project + "/extracts", steward).get("extracts");
    assertEquals(service.firstReceipt.get("sha256"), own.get(0).get("sha256"));
    assertVersionsShown(own);
    JsonNode all =
        api("/projects/" + service.project + "/extracts", service.tokens.get(Role.ADMIN))
            .get("extracts");
    String page = browser.findElement(By.id("main")).getText();
    for (JsonNode x : all) {
      if (!x.get("agency").asText().equals(PagesFixture.CS.id())) {
        assertFalse(page.contains(x.get("sha256").asText()), "another agency's upload: " + x);
      }
    }
    assertFalse(page.contains(PagesFixture.HS.id() + " v"), "another agency's version");
    screenshot("steward-matches");
    refusedOn("auditor.html", "steward-refused-auditor-page");
  }

  @Test
  @Order(6)
  void analyst_asksAWindowQuestionMadeWithTheForm_andSeesItsTableWithSuppressedCellsMarked()
      throws Exception {
    String analyst = service.tokens.get(Role.ANALYST);
    signIn(analyst, "analyst");
    waiting().until(d -> !d.findElements(By.cssSelector("#days input")).isEmpty());
    String cs = PagesFixture.CS.id();
    String hs = PagesFixture.HS.id();
    choose("purpose", "research");
    choose("cohort-agency", cs);
    choose("where-attribute", "foster_care");
    // Checkboxes and radio buttons by the keyboard, as a user without a mouse would.
    browser.findElement(By.cssSelector("#where-categories input[value='Y']")).sendKeys(Keys.SPACE);
    browser.findElement(By.id("form-window")).sendKeys(Keys.SPACE);
    choose("from-attribute", "foster_discharge_date");
    choose("to-agency", hs);
    choose("to-attribute", "shelter_entry_date");
    for (String days : new String[] {"30", "365"}) {
      browser.findElement(By.cssSelector("#days input[value='" + days + "']")).sendKeys(Keys.SPACE);
    }
    choose("rows-agency", hs);
    choose("rows-attribute", "shelter_type");
    JsonNode question =
        ServiceFixture.JSON.readTree(
            """
            {"cohort": {"agency": "childrens_services", "where": {"foster_care": ["Y"]}},
             "from": {"agency": "childrens_services", "attribute": "foster_discharge_date"},
             "to": {"agency": "homeless_services", "attribute": "shelter_entry_date"},
             "days": [30, 365],
             "rows": {"agency": "homeless_services", "attribute": "shelter_type"}}
            """);
    assertTrue(browser.findElement(By.id("kind-question")).isSelected());
    Answered window = askAndCompare(analyst, question);
    assertEquals(List.of("within 30 days", "within 365 days"), columns(window.table()));
    assertTrue(window.suppressed() > 0, "no suppressed cell to see marked: " + window);
    screenshot("analyst-question-form");

    // The form switched to an overlap by the cohort's gender: numbers shown beside marked cells.
    browser.findElement(By.id("form-overlap")).sendKeys(Keys.SPACE);
    choose("where-attribute", "");
    browser.findElement(By.cssSelector("#with input[value='" + hs + "']")).sendKeys(Keys.SPACE);
    choose("rows-agency", cs);
    choose("rows-attribute", "gender");
    JsonNode overlap =
        ServiceFixture.JSON.readTree(
            """
            {"cohort": {"agency": "childrens_services"}, "with": ["homeless_services"],
             "columns": "combinations", "rows": {"agency": "childrens_services", "attribute": "gender"}}
            """);
    Answered shown = askAndCompare(analyst, overlap);
    assertTrue(shown.suppressed() > 0 && shown.others() > 0, "marked and unmarked: " + shown);
    screenshot("analyst-question-form-overlap");
  }

  /** A table the API released and the page showed: its suppressed cells and the others. */
  private record Answered(JsonNode table, int suppressed, int others) {}

  /**
   * Asks the question the form made, after checking it is {@code question}, and compares the table
   * shown with the API's answer to the same question from the same analyst (the same released
   * table: answers are kept per project, run and question).
   */
  private static Answered askAndCompare(String analyst, JsonNode question) throws IOException {
    assertEquals(
        question,
        ServiceFixture.JSON.readTree(
            browser.findElement(By.id("question")).getDomProperty("value")),
        "the question the form made");
    // The page empties the answer as it sends the question, so the table waited for is the new one.
    browser.findElement(By.cssSelector("#ask button[type=submit]")).click();
    By tables = By.cssSelector("#answer table");
    waiting().until(ExpectedConditions.numberOfElementsToBe(tables, 1));
    ObjectNode body = ServiceFixture.JSON.createObjectNode().put("purpose", "research");
    body.set("question", question);
    ServiceFixture.Reply released =
        send(
            service.client,
            request(service.server.port(), "/projects/" + service.project + "/questions", analyst)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    assertEquals(200, released.status(), released.body().toString());
    JsonNode table = released.body().get("table");
    int cells = 0;
    for (JsonNode row : table.get("cells")) {
      cells += row.size();
    }
    int suppressed = assertTableShown(table, browser.findElement(tables), "answer");
    return new Answered(table, suppressed, cells - suppressed);
  }

  private static void choose(String select, String value) {
    new Select(browser.findElement(By.id(select))).selectByValue(value);
  }

  private static List<String> columns(JsonNode table) {
    List<String> columns = new ArrayList<>();
    table.get("columns").forEach(c -> columns.add(c.asText()));
    return columns;
  }
}
