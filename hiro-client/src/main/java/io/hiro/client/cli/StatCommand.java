package io.hiro.client.cli;

import io.hiro.client.FileInfo;
import io.hiro.client.HiroClient;
import io.hiro.client.PieceInfo;
import io.hiro.client.ReplicaLocation;
import io.hiro.common.Crc32c;
import io.hiro.common.Sizes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Show a file's size, replication, checksum and every piece with the workers that hold it.")
public final class StatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin MasterOption master;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "PATH", description = "The file or directory.")
  String path;

  public StatCommand() {}

  @Override
  public Integer call() {
    FileInfo info;
    try (HiroClient client = master.connect()) {
      info = client.stat(path);
    }
    output.print(() -> {
      StringWriter text = new StringWriter();
      print(info, new PrintWriter(text));
      return text.toString();
    }, () -> ClientJson.stat(info));
    return 0;
  }

  static void print(FileInfo info, PrintWriter out) {
    out.printf("path:        %s%n", info.path());
    if (info.directory()) {
      out.printf("kind:        directory%n");
      return;
    }
    out.printf("size:        %d (%s)%n", info.sizeBytes(), Sizes.format(info.sizeBytes()));
    out.printf("replication: %d%n", info.replication());
    out.printf("piece size:  %s%n", Sizes.format(info.pieceSizeBytes()));
    out.printf("sha256:      %s%n", info.sha256Hex());
    out.printf("pieces:      %d%n", info.pieces().size());
    for (PieceInfo piece : info.pieces()) {
      String workers = piece.replicas().stream().map(ReplicaLocation::workerId).map(Object::toString)
          .collect(Collectors.joining(","));
      out.printf("  %6d  %s  %12d  crc %s  %s%n", piece.index(), piece.id(), piece.lengthBytes(),
          Crc32c.hex(piece.crc32c()), workers.isEmpty() ? "(no replica)" : workers);
    }
  }
}
