package io.hiro.app.security;

import io.hiro.common.security.CertificateAuthority;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hiro cert init} and {@code hiro cert issue NAME}: TLS for a cluster in two commands, with a
 * small CA of its own (see {@link CertificateAuthority}).
 */
@Command(name = "cert", mixinStandardHelpOptions = true,
    description = "Make a small CA for the cluster, and a TLS certificate for each node.",
    subcommands = {CertCommand.Init.class, CertCommand.Issue.class})
public final class CertCommand implements Runnable {
  @picocli.CommandLine.Mixin io.hiro.common.cli.LogLevelOption logLevel;

  static final String DIR_DEFAULT = "hiro-certs";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a command: init or issue");
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create the cluster's CA: DIR/" + CertificateAuthority.CERTIFICATE_FILE + " and DIR/"
          + CertificateAuthority.KEY_FILE + " (owner-only).")
  static final class Init implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DIR_DEFAULT,
        description = "Where the CA lives (default: ./${DEFAULT-VALUE}).")
    Path dir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      CertificateAuthority.init(dir);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("Created a CA in %s:%n", dir.toAbsolutePath());
      out.printf("  %s  give it to every node and client as --tls-ca%n", dir.resolve(CertificateAuthority.CERTIFICATE_FILE));
      out.printf("  %s  keep it here, owner-only: it signs node certificates%n",
          dir.resolve(CertificateAuthority.KEY_FILE));
      out.printf("Next, for each node: hiro cert issue NAME --host ADDRESS --dir %s%n", dir);
      out.flush();
      return 0;
    }
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"Issue a certificate for node NAME, signed by the CA in DIR: DIR/NAME.pem and DIR/NAME.key.",
          "It is valid for NAME, every --host, localhost and 127.0.0.1, as server and as client."})
  static final class Issue implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The node's name: letters, digits, '.', '_', '-'.")
    String name;

    @Option(names = "--host", paramLabel = "HOST", split = ",",
        description = "An address or host name others use to reach this node; repeat or separate with commas.")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DIR_DEFAULT,
        description = "Where the CA lives; the files are written there too (default: ./${DEFAULT-VALUE}).")
    Path dir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      CertificateAuthority.IssuedCertificate issued = CertificateAuthority.load(dir).issue(name, hosts, dir);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("Issued %s and %s (owner-only) for %s, valid until %s.%n", issued.certificate(), issued.privateKey(),
          String.join(", ", issued.names()), issued.notAfter());
      out.printf("Start the node with: --tls-cert %s --tls-key %s --tls-ca %s%n", issued.certificate(),
          issued.privateKey(), dir.resolve(CertificateAuthority.CERTIFICATE_FILE));
      out.flush();
      return 0;
    }
  }
}
