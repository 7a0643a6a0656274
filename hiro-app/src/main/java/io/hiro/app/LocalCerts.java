package io.hiro.app;

import io.hiro.common.security.CertificateAuthority;
import io.hiro.common.security.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The TLS files of a {@link LocalCluster} run with TLS: a CA and one certificate per node, in
 * {@code DIR/certs}, made with {@link CertificateAuthority} as {@code hiro cert init} and
 * {@code hiro cert issue NAME} do. Kept across restarts of the same cluster dir.
 */
final class LocalCerts {
  private final Path dir;
  private final CertificateAuthority authority;

  LocalCerts(Path dir) {
    this.dir = dir;
    this.authority = Files.exists(dir.resolve(CertificateAuthority.CERTIFICATE_FILE))
        ? CertificateAuthority.load(dir) : CertificateAuthority.init(dir);
  }

  /** The files of node {@code name} (issued the first time; valid for localhost and 127.0.0.1), with the CA. */
  TlsFiles node(String name) {
    Path certificate = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + ".key");
    if (!Files.exists(certificate)) {
      authority.issue(name, List.of(), dir);
    }
    return TlsFiles.of(certificate, key, dir.resolve(CertificateAuthority.CERTIFICATE_FILE));
  }

  /** {@code --tls-cert ... --tls-key ... --tls-ca ...} for node {@code name}. */
  List<String> options(String name) {
    TlsFiles files = node(name);
    return List.of("--tls-cert", files.certificate().toString(), "--tls-key", files.privateKey().toString(),
        "--tls-ca", files.certificateAuthority().toString());
  }
}
