package io.hiro.client.cli;

import io.hiro.client.HiroClient;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "cat", mixinStandardHelpOptions = true,
    description = "Write a file's bytes to standard output, each piece verified before it is written.")
public final class CatCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "REMOTE", description = "The file to print.")
  String remote;

  public CatCommand() {}

  @Override
  public Integer call() {
    OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    try (HiroClient client = master.connect()) {
      client.cat(remote, out);
    }
    return 0;
  }
}
