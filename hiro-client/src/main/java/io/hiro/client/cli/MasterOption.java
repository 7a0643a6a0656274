package io.hiro.client.cli;

import io.hiro.client.ClientSecurity;
import io.hiro.client.HiroClient;
import io.hiro.common.HostPort;
import io.hiro.common.cli.SecretFileOption;
import io.hiro.common.cli.TlsOptions;
import io.hiro.common.security.SecretLookup;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every client command takes to reach the master: {@code -m, --master HOST:PORT} (default:
 * env HIRO_MASTER), {@code --secret-file} (see {@link SecretLookup} for where else it looks) and
 * {@code --tls-cert/--tls-key/--tls-ca}.
 */
public final class MasterOption {
  /** Opens a client; the security is asked for only when it is needed. */
  @FunctionalInterface
  interface Connector {
    HiroClient connect(HostPort master, Supplier<ClientSecurity> security);
  }

  static final Connector NETWORK = (master, security) -> HiroClient.connect(master, security.get());

  /** How commands reach the master; tests swap in a client over in-process fakes. */
  static volatile Connector connector = NETWORK;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  // ${HIRO_MASTER} is looked up as a system property, then as an environment variable.
  @Option(names = {"-m", "--master"}, paramLabel = "HOST:PORT", defaultValue = "${HIRO_MASTER}",
      description = "Address of the master (default: environment variable HIRO_MASTER).")
  String master;

  @Mixin SecretFileOption secretFile = new SecretFileOption();

  @Mixin TlsOptions tls = new TlsOptions();

  /** The master's address; a usage error (exit code 2) if neither the option nor HIRO_MASTER gives one. */
  public HostPort address() {
    if (master == null || master.isBlank()) {
      throw new ParameterException(mixee.commandLine(),
          "no master given: use -m HOST:PORT (e.g. -m 127.0.0.1:8080) or set HIRO_MASTER");
    }
    return HostPort.parse(master);
  }

  /** What the client signs its calls with and its TLS files; PERMISSION_DENIED when no secret is found. */
  public ClientSecurity security() {
    return new ClientSecurity(secretFile.lookup(System::getenv).callSigner(), tls.files(System::getenv));
  }

  public HiroClient connect() {
    return connector.connect(address(), this::security);
  }
}
