package io.hiro.common.security;

import static io.hiro.common.security.SecurityAssertions.chmod;
import static io.hiro.common.security.SecurityAssertions.permissions;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class OwnerOnlyTest {
  @TempDir Path dir;

  @Test
  void aNewDataDirAndItsNewParentsAreOwnerOnly() {
    Path data = dir.resolve("hiro-data").resolve("worker");

    assertThat(OwnerOnly.dataDirectory(data)).isEmpty();

    assertThat(permissions(data)).isEqualTo("rwx------");
    assertThat(permissions(data.getParent())).isEqualTo("rwx------");
  }

  @Test
  void anExistingDataDirOpenToOthersIsMadeOwnerOnlyAndSaysWhatItWas() throws Exception {
    Path data = Files.createDirectory(dir.resolve("data"));
    chmod(data, "rwxr-xr-x");

    assertThat(OwnerOnly.dataDirectory(data)).contains("rwxr-xr-x");

    assertThat(permissions(data)).isEqualTo("rwx------");
  }

  @Test
  void filesAreCreatedOwnerOnlyEvenUnderAPermissiveUmask() throws Exception {
    Path file = dir.resolve("journal");
    OwnerOnly.createFileIfAbsent(file);
    Path other = Files.createFile(dir.resolve("meta"), OwnerOnly.fileAttributes(dir));

    assertThat(permissions(file)).isEqualTo("rw-------");
    assertThat(permissions(other)).isEqualTo("rw-------");
  }

  @Test
  void anExistingFileIsLeftAsItIs() throws Exception {
    Path file = Files.writeString(dir.resolve("kept"), "content");
    chmod(file, "rw-r-----");

    OwnerOnly.createFileIfAbsent(file);

    assertThat(Files.readString(file)).isEqualTo("content");
    assertThat(permissions(file)).isEqualTo("rw-r-----");
  }
}
