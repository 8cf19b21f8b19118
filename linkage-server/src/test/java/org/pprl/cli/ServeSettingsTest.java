package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeSettingsTest {
  @TempDir Path dir;

  @Test
  void read_nothingGiven_defaults() {
    ServeSettings s = ServeSettings.read(Map.of(), Map.of(), null, dir);
    assertEquals(8080, s.get(ServeSettings.PORT));
    assertEquals(1L << 30, s.get(ServeSettings.MAX_UPLOAD_BYTES));
  }

  @Test
  void read_flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
    Files.writeString(
        dir.resolve(ServeSettings.FILE_NAME), "# ours\nport = 9000\nmax-upload-bytes=5000\n");
    Map<String, String> env = Map.of("PPRL_PORT", "9001");
    assertEquals(
        5000, ServeSettings.read(Map.of(), env, null, dir).get(ServeSettings.MAX_UPLOAD_BYTES));
    assertEquals(9000, ServeSettings.read(Map.of(), Map.of(), null, dir).get(ServeSettings.PORT));
    assertEquals(9001, ServeSettings.read(Map.of(), env, null, dir).get(ServeSettings.PORT));
    assertEquals(
        9002, ServeSettings.read(Map.of("--port", 9002L), env, null, dir).get(ServeSettings.PORT));
  }

  @Test
  void read_configFlag_readsThatFileInsteadOfTheDataDirectorys() throws Exception {
    Files.writeString(dir.resolve(ServeSettings.FILE_NAME), "port=9000\n");
    Path other = Files.writeString(dir.resolve("other.properties"), "port=7000\n");
    assertEquals(7000, ServeSettings.read(Map.of(), Map.of(), other, dir).get(ServeSettings.PORT));
  }

  @Test
  void read_badInput_oneLineNamingTheSettingAndItsSource() throws Exception {
    Path file = Files.writeString(dir.resolve("c.properties"), "prot=9000\n");
    CommandFailure unknown =
        assertThrows(CommandFailure.class, () -> ServeSettings.read(Map.of(), Map.of(), file, dir));
    assertTrue(unknown.getMessage().contains("unknown setting 'prot'"), unknown.getMessage());

    Files.writeString(file, "port=eighty\n");
    CommandFailure notNumber =
        assertThrows(CommandFailure.class, () -> ServeSettings.read(Map.of(), Map.of(), file, dir));
    assertTrue(notNumber.getMessage().startsWith("'port' in "), notNumber.getMessage());

    CommandFailure env =
        assertThrows(
            CommandFailure.class,
            () -> ServeSettings.read(Map.of(), Map.of("PPRL_MAX_UPLOAD_BYTES", "0"), null, dir));
    assertEquals("$PPRL_MAX_UPLOAD_BYTES is out of range: 0", env.getMessage());

    CommandFailure missing =
        assertThrows(
            CommandFailure.class,
            () -> ServeSettings.read(Map.of(), Map.of(), dir.resolve("nope"), dir));
    assertTrue(missing.getMessage().startsWith("--config: no such file"), missing.getMessage());
  }

  @Test
  void server_nothingGiven_loopbackPlainHttpWithLimits() {
    org.pprl.server.ServerSettings s = ServeSettings.read(Map.of(), Map.of(), null, dir).server();
    assertEquals("127.0.0.1", s.host());
    assertEquals(null, s.tls());
    assertEquals(8, s.maxUploads());
    assertEquals(2, s.maxUploadsPerSteward());
  }

  @Test
  void server_hostAndTlsFromFileAndFlag_flagWins() throws Exception {
    Files.writeString(
        dir.resolve(ServeSettings.FILE_NAME), "host=0.0.0.0\ntls-cert=/a.crt\ntls-key=/a.key\n");
    org.pprl.server.ServerSettings s =
        ServeSettings.read(Map.of(), Map.of("--host", "::1"), Map.of(), null, dir).server();
    assertEquals("::1", s.host());
    assertEquals(Path.of("/a.crt"), s.tls().certificate());
  }

  @Test
  void server_tlsCertWithoutKey_refused() {
    CommandFailure e =
        assertThrows(
            CommandFailure.class,
            () ->
                ServeSettings.read(Map.of(), Map.of("--tls-cert", "/a.crt"), Map.of(), null, dir));
    assertTrue(e.getMessage().contains("--tls-key"), e.getMessage());
  }
}
