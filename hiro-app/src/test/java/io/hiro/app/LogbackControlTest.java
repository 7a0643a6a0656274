package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.hiro.common.logging.LogControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LogbackControlTest {
  @TempDir Path dir;

  @Test
  void theHiroCommandBindsLogControlToLogback() {
    assertThat(LogControl.current()).isInstanceOf(LogbackControl.class);
  }

  @Test
  void aDaemonsLinesGoToARollingFileInItsDataDirAndTheLevelIsSettable() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger hiro = context.getLogger("io.hiro");
    Level before = hiro.getLevel();
    Path file = dir.resolve("data").resolve("logs").resolve("hiro-worker.log");
    try {
      LogControl.current().setLevel("DEBUG");
      LogControl.current().logToFile(file);
      LoggerFactory.getLogger("io.hiro.test").debug("w-1234: piece {} stored", "00000000000000ab");
      LogControl.current().setLevel("WARN");
      LoggerFactory.getLogger("io.hiro.test").info("not written at WARN");

      assertThat(Files.readString(file)).contains("DEBUG", "w-1234: piece 00000000000000ab stored")
          .doesNotContain("not written");
    } finally {
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      root.getAppender("FILE").stop();
      root.detachAppender("FILE");
      hiro.setLevel(before);
    }
  }
}
