package io.hiro.client.cli;

import io.hiro.client.FileInfo;
import io.hiro.client.HiroClient;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List a directory (or show one file).")
public final class LsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
      .withZone(ZoneId.systemDefault());

  @Spec CommandSpec spec;
  @Mixin MasterOption master;
  @Mixin OutputOptions output;

  @Option(names = "-l", description = "Long form: kind, size, replication, modified time, path.")
  boolean longForm;

  @Parameters(index = "0", paramLabel = "PATH", defaultValue = "/", description = "Directory to list (default: /).")
  String path;

  public LsCommand() {}

  @Override
  public Integer call() {
    List<FileInfo> entries;
    try (HiroClient client = master.connect()) {
      entries = client.list(path);
    }
    output.print(() -> lines(entries), () -> ClientJson.list(path, entries));
    return 0;
  }

  private String lines(List<FileInfo> entries) {
    StringBuilder lines = new StringBuilder();
    for (FileInfo entry : entries) {
      String name = entry.directory() ? entry.name() + "/" : entry.name();
      if (longForm) {
        lines.append(String.format("%s %14d %2s %s %s%n", entry.directory() ? "d" : "-", entry.sizeBytes(),
            entry.directory() ? "-" : Integer.toString(entry.replication()),
            TIME.format(Instant.ofEpochMilli(entry.modifiedMillis())), name));
      } else {
        lines.append(name).append(System.lineSeparator());
      }
    }
    return lines.toString();
  }
}
