package io.hiro.app;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/2 connection written frame by frame, as an attacker would: no flow control, no limits of its
 * own, headers in HPACK's simplest form (literal, never indexed, no Huffman). Just enough to open gRPC
 * streams and reset them faster than any real client would.
 */
final class RawHttp2 implements AutoCloseable {
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int GOAWAY = 0x7;
  static final int FLAG_ACK = 0x1;
  static final int FLAG_END_HEADERS = 0x4;
  static final int CANCEL = 0x8;
  static final int REFUSED_STREAM = 0x7;
  static final int ENHANCE_YOUR_CALM = 0xb;

  /** One frame read from the server. */
  record Frame(int type, int flags, int streamId, byte[] payload) {
    /** The error code of a RST_STREAM or GOAWAY frame. */
    int errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
          | (payload[at + 3] & 0xff);
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  private RawHttp2(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /**
   * Connects from {@code fromHost}, sends the preface and empty SETTINGS, and, when {@code ackSettings},
   * acknowledges the server's SETTINGS once they arrive (only then may a server hold the client to its
   * own settings, such as the streams it allows at once).
   */
  static RawHttp2 open(String fromHost, String host, int port, boolean ackSettings) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(fromHost, 0));
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout(10_000);
    RawHttp2 connection = new RawHttp2(socket);
    connection.out.write(PREFACE);
    connection.out.write(frame(SETTINGS, 0, 0, new byte[0]));
    connection.out.flush();
    if (ackSettings) {
      Frame first;
      do {
        first = connection.read();
      } while (first.type() != SETTINGS || (first.flags() & FLAG_ACK) != 0);
      connection.out.write(frame(SETTINGS, FLAG_ACK, 0, new byte[0]));
      connection.out.flush();
    }
    return connection;
  }

  /** HEADERS opening a gRPC call of {@code method} (a full method name) on {@code streamId}, with no request yet. */
  static byte[] callHeaders(int streamId, String method) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (String[] header : List.of(new String[] {":method", "POST"}, new String[] {":scheme", "http"},
        new String[] {":path", "/" + method}, new String[] {":authority", "hiro"},
        new String[] {"content-type", "application/grpc"}, new String[] {"te", "trailers"})) {
      block.write(0x00); // literal header field, never indexed, new name
      literal(block, header[0]);
      literal(block, header[1]);
    }
    return frame(HEADERS, FLAG_END_HEADERS, streamId, block.toByteArray());
  }

  static byte[] reset(int streamId, int errorCode) {
    return frame(RST_STREAM, 0, streamId, int32(errorCode));
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  void flush() throws IOException {
    out.flush();
  }

  /** The next frame from the server; throws at the end of the stream or after 10 s of silence. */
  Frame read() throws IOException {
    byte[] head = new byte[9];
    in.readFully(head);
    int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
    int streamId = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(head[3] & 0xff, head[4] & 0xff, streamId, payload);
  }

  /** Every frame until one of type {@code last}, or until the server closes the connection or is silent for 10 s. */
  List<Frame> readUntil(int last) {
    List<Frame> frames = new ArrayList<>();
    try {
      Frame frame;
      do {
        frame = read();
        frames.add(frame);
      } while (frame.type() != last);
    } catch (IOException closedOrQuiet) {
      // what came before is the answer
    }
    return frames;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static byte[] frame(int type, int flags, int streamId, byte[] payload) {
    byte[] frame = new byte[9 + payload.length];
    frame[0] = (byte) (payload.length >>> 16);
    frame[1] = (byte) (payload.length >>> 8);
    frame[2] = (byte) payload.length;
    frame[3] = (byte) type;
    frame[4] = (byte) flags;
    System.arraycopy(int32(streamId & 0x7fffffff), 0, frame, 5, 4);
    System.arraycopy(payload, 0, frame, 9, payload.length);
    return frame;
  }

  private static byte[] int32(int value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  private static void literal(ByteArrayOutputStream block, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length >= 127) {
      throw new IllegalArgumentException("only short header names and values: " + text);
    }
    block.write(bytes.length);
    block.writeBytes(bytes);
  }
}
