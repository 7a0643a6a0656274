package io.hiro.common.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.BindableService;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.security.CertificateAuthority;
import io.hiro.common.security.TlsFiles;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.StatRequest;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/** A master that requires client certificates, on loopback, with certificates from {@link CertificateAuthority}. */
@Timeout(60)
class MutualTlsTest {
  @TempDir Path dir;
  private final StubNamespaceService service = new StubNamespaceService();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Server> otherServers = new ArrayList<>();
  private Path ca;
  private CertificateAuthority authority;
  private Server server;

  @BeforeEach
  void startMasterWithMutualTls() {
    authority = CertificateAuthority.init(dir);
    ca = dir.resolve(CertificateAuthority.CERTIFICATE_FILE);
    CertificateAuthority.IssuedCertificate master = authority.issue("master", List.of(), dir);
    server = Rpc.startServer("127.0.0.1", 0, List.<BindableService>of(service),
        RpcSecurity.tls(TlsFiles.of(master.certificate(), master.privateKey(), ca)));
  }

  @AfterEach
  void stop() throws InterruptedException {
    channels.forEach(Rpc::shutdown);
    otherServers.add(server);
    for (Server each : otherServers) {
      each.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClientWithACertificateFromTheCaIsServedOnEveryLoopbackName() {
    CertificateAuthority.IssuedCertificate client = authority.issue("client", List.of(), dir);
    RpcSecurity security = RpcSecurity.tls(TlsFiles.of(client.certificate(), client.privateKey(), ca));
    stat("127.0.0.1", security);
    stat("localhost", security);
    assertThat(service.roles).hasSize(2);
  }

  @Test
  void aClientWithoutACertificateIsRefused() {
    assertRefused(RpcSecurity.tls(TlsFiles.of(null, null, ca)));
  }

  @Test
  void aClientWithACertificateFromAnotherCaIsRefused() throws Exception {
    Path otherDir = dir.resolve("other-ca");
    CertificateAuthority.IssuedCertificate stranger = CertificateAuthority.init(otherDir)
        .issue("stranger", List.of(), otherDir);
    CertificateAuthority.IssuedCertificate member = authority.issue("member", List.of(), dir);
    // The stranger trusts our CA, so it accepts the master, and presents its certificate even though the
    // master asks for one from our CA (a polite TLS stack would send none): the master itself must refuse
    // it. TlsFiles refuses to pair a certificate with a CA that did not issue it, so it builds its own
    // credentials; the same credentials with a certificate from our CA are served.
    statWith(alwaysPresenting(member.certificate(), member.privateKey()));
    assertThat(service.roles).hasSize(1);

    ChannelCredentials strangerCredentials = alwaysPresenting(stranger.certificate(), stranger.privateKey());
    String failure = assertRefused(ErrorCode.PERMISSION_DENIED, () -> statWith(strangerCredentials));

    assertThat(failure).doesNotContain("CERTIFICATE_REQUIRED");
    assertThat(service.roles).hasSize(1);
  }

  private ChannelCredentials alwaysPresenting(Path certificate, Path privateKey) throws Exception {
    return TlsChannelCredentials.newBuilder()
        .keyManager(new AlwaysPresent(certificate, privateKey))
        .trustManager(ca.toFile())
        .build();
  }

  private void statWith(ChannelCredentials credentials) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort(), credentials).build();
    channels.add(channel);
    NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .stat(StatRequest.newBuilder().setPath("/").build());
  }

  @Test
  void aMasterWhoseCertificateDoesNotNameTheDialledAddressIsRefused() {
    CertificateAuthority.IssuedCertificate master = authority.issue("elsewhere", List.of(), dir);
    HostPort elsewhere = startOtherServer("127.0.0.2",
        RpcSecurity.tls(TlsFiles.of(master.certificate(), master.privateKey(), ca)));
    CertificateAuthority.IssuedCertificate client = authority.issue("client", List.of(), dir);
    String failure = assertRefused(ErrorCode.PERMISSION_DENIED,
        () -> stat(elsewhere, RpcSecurity.tls(TlsFiles.of(client.certificate(), client.privateKey(), ca))));
    assertThat(failure).contains("127.0.0.2");
  }

  @Test
  void aPlaintextClientIsRefused() {
    // The master sees no TLS hello and hangs up; the client cannot tell that from a crash, but can hint.
    assertThat(assertRefused(ErrorCode.UNAVAILABLE, () -> stat("127.0.0.1", RpcSecurity.PLAINTEXT)))
        .contains("if it runs with TLS", "--tls-cert");
  }

  @Test
  void aTlsClientOfAPlaintextServerIsToldItIsTls() {
    HostPort plaintext = startOtherServer("127.0.0.1", RpcSecurity.PLAINTEXT);
    CertificateAuthority.IssuedCertificate client = authority.issue("client", List.of(), dir);
    String failure = assertRefused(ErrorCode.PERMISSION_DENIED,
        () -> stat(plaintext, RpcSecurity.tls(TlsFiles.of(client.certificate(), client.privateKey(), ca))));
    assertThat(failure).contains("does not speak TLS");
  }

  @Test
  void aClientThatDoesNotTrustTheMastersCaRefusesTheMaster() {
    Path otherDir = dir.resolve("other-ca");
    CertificateAuthority other = CertificateAuthority.init(otherDir);
    CertificateAuthority.IssuedCertificate client = other.issue("client", List.of(), otherDir);
    assertRefused(RpcSecurity.tls(TlsFiles.of(client.certificate(), client.privateKey(),
        otherDir.resolve(CertificateAuthority.CERTIFICATE_FILE))));
  }

  private HostPort startOtherServer(String host, RpcSecurity security) {
    Server other = Rpc.startServer(host, 0, List.<BindableService>of(service), security);
    otherServers.add(other);
    return new HostPort(host, other.getPort());
  }

  private void stat(String host, RpcSecurity security) {
    stat(new HostPort(host, server.getPort()), security);
  }

  private void stat(HostPort address, RpcSecurity security) {
    ManagedChannel channel = Rpc.channel(address, security);
    channels.add(channel);
    NamespaceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .stat(StatRequest.newBuilder().setPath("/").build());
  }

  private String assertRefused(RpcSecurity security) {
    return assertRefused(ErrorCode.PERMISSION_DENIED, () -> stat("127.0.0.1", security));
  }

  /** Asserts the call failed before reaching the service, and returns the failure as the CLI would print it. */
  private String assertRefused(ErrorCode expected, Runnable call) {
    int roles = service.roles.size();
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).as("the call must fail").isNotNull();
    HiroException hiro = StatusMapping.fromGrpc(thrown, "master 127.0.0.1:" + server.getPort());
    System.out.println("refused; the CLI would say: " + hiro.code() + ": " + hiro.getMessage());
    assertThat(hiro.code()).isEqualTo(expected);
    if (expected == ErrorCode.PERMISSION_DENIED) {
      assertThat(hiro.getMessage()).startsWith("TLS handshake with master").contains("--tls-").doesNotContain("\n");
    }
    assertThat(service.roles).as("the service never ran").hasSizeLessThanOrEqualTo(roles);
    return hiro.code() + ": " + hiro.getMessage();
  }

  /** A client key manager that offers its certificate whatever CA the server asks for. */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509Certificate[] chain;
    private final PrivateKey key;

    AlwaysPresent(Path certificate, Path privateKey) throws Exception {
      try (var in = Files.newInputStream(certificate)) {
        chain = new X509Certificate[] {(X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)};
      }
      String base64 = Files.readString(privateKey).replaceAll("-----[A-Z ]+-----|\\s", "");
      key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return "node";
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return "node";
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"node"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
