package io.hiro.client.cli;

import io.hiro.client.HiroClient;
import io.hiro.common.HostPort;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code -m, --master HOST:PORT} option every client command takes; its default is env HIRO_MASTER. */
public final class MasterOption {
  /** How commands reach the master; tests swap in a client over in-process fakes. */
  static volatile Function<HostPort, HiroClient> connector = HiroClient::connect;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  // ${HIRO_MASTER} is looked up as a system property, then as an environment variable.
  @Option(names = {"-m", "--master"}, paramLabel = "HOST:PORT", defaultValue = "${HIRO_MASTER}",
      description = "Address of the master (default: environment variable HIRO_MASTER).")
  String master;

  /** The master's address; a usage error (exit code 2) if neither the option nor HIRO_MASTER gives one. */
  public HostPort address() {
    if (master == null || master.isBlank()) {
      throw new ParameterException(mixee.commandLine(),
          "no master given: use -m HOST:PORT (e.g. -m 127.0.0.1:8080) or set HIRO_MASTER");
    }
    return HostPort.parse(master);
  }

  public HiroClient connect() {
    return connector.apply(address());
  }
}
