package io.hiro.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.hiro.common.logging.LogControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * {@link LogControl} on logback, set up in code like {@link ConsoleLogging}: a daemon's rolling file
 * {@code DATA/logs/hiro-master.log} (or {@code hiro-worker.log}) rolls at {@link #FILE_SIZE_MAX} and
 * every day, gzips what it rolls, and keeps {@link #DAYS_KEPT} days within {@link #TOTAL_SIZE_MAX}.
 */
public final class LogbackControl implements LogControl {
  static final String FILE_SIZE_MAX = "10MB";
  static final int DAYS_KEPT = 14;
  static final String TOTAL_SIZE_MAX = "200MB";
  static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

  @Override
  public void setLevel(String level) {
    context().getLogger("io.hiro").setLevel(Level.toLevel(level, Level.INFO));
  }

  @Override
  public void logToFile(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the log directory for " + file, e);
    }
    LoggerContext context = context();
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("FILE");
    appender.setFile(file.toString());
    appender.setEncoder(ConsoleLogging.encoder(context, FILE_PATTERN));
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(context);
    policy.setParent(appender);
    String name = file.getFileName().toString().replaceFirst("\\.log$", "");
    policy.setFileNamePattern(file.resolveSibling(name + "-%d{yyyy-MM-dd}.%i.log.gz").toString());
    policy.setMaxFileSize(FileSize.valueOf(FILE_SIZE_MAX));
    policy.setMaxHistory(DAYS_KEPT);
    policy.setTotalSizeCap(FileSize.valueOf(TOTAL_SIZE_MAX));
    policy.start();
    appender.setRollingPolicy(policy);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  private static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }
}
