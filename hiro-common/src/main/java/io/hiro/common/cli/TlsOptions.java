package io.hiro.common.cli;

import io.hiro.common.security.TlsFiles;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code --tls-cert}, {@code --tls-key} and {@code --tls-ca}, the same on every daemon and client
 * command; each falls back to its environment variable. None given: plaintext.
 */
public final class TlsOptions {
  public static final String CERTIFICATE_ENVIRONMENT_VARIABLE = "HIRO_TLS_CERT";
  public static final String KEY_ENVIRONMENT_VARIABLE = "HIRO_TLS_KEY";
  public static final String CA_ENVIRONMENT_VARIABLE = "HIRO_TLS_CA";

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "This node's TLS certificate (NAME.pem from 'hiro cert issue'); with --tls-key every connection "
          + "uses TLS (default: $" + CERTIFICATE_ENVIRONMENT_VARIABLE + ").")
  Path certificate;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The certificate's private key, owner-only (NAME.key; default: $" + KEY_ENVIRONMENT_VARIABLE + ").")
  Path privateKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "The cluster's CA certificate (ca.pem from 'hiro cert init'): peers must present a certificate "
          + "it issued (mutual TLS; default: $" + CA_ENVIRONMENT_VARIABLE + ").")
  Path certificateAuthority;

  public TlsOptions() {}

  /**
   * The TLS files the options (or else the environment) name, checked now so that a mistake is a
   * clear error at start; null when none is given, which means plaintext.
   */
  public TlsFiles files(Function<String, String> environment) {
    Path cert = orEnvironment(certificate, environment, CERTIFICATE_ENVIRONMENT_VARIABLE);
    Path key = orEnvironment(privateKey, environment, KEY_ENVIRONMENT_VARIABLE);
    Path ca = orEnvironment(certificateAuthority, environment, CA_ENVIRONMENT_VARIABLE);
    return cert == null && key == null && ca == null ? null : TlsFiles.of(cert, key, ca);
  }

  private static Path orEnvironment(Path option, Function<String, String> environment, String variable) {
    if (option != null) {
      return option;
    }
    String value = environment.apply(variable);
    return value == null || value.isBlank() ? null : Path.of(value.strip());
  }
}
