package io.hiro.client.cli;

import io.hiro.client.FileInfo;
import io.hiro.client.GetResult;
import io.hiro.client.PieceInfo;
import io.hiro.client.PutResult;
import io.hiro.client.ReplicaLocation;
import io.hiro.common.Crc32c;
import io.hiro.common.json.JsonWriter;
import java.util.List;

/**
 * What {@code --json} prints for the client commands, one object each; the README documents every
 * schema. Fields are only ever added at the end of an object, never renamed or removed.
 */
final class ClientJson {
  private ClientJson() {}

  static String put(PutResult result) {
    JsonWriter json = new JsonWriter().beginObject()
        .field("path", result.path())
        .field("sizeBytes", result.sizeBytes())
        .field("replication", result.replication())
        .field("underReplicated", result.underReplicated());
    pieces(json, result.pieces());
    return json.endObject().toString();
  }

  static String get(GetResult result) {
    return new JsonWriter().beginObject()
        .field("path", result.path())
        .field("local", result.local().toString())
        .field("sizeBytes", result.sizeBytes())
        .endObject().toString();
  }

  static String list(String path, List<FileInfo> entries) {
    JsonWriter json = new JsonWriter().beginObject().field("path", path).name("entries").beginArray();
    for (FileInfo entry : entries) {
      json.beginObject()
          .field("name", entry.name())
          .field("path", entry.path())
          .field("directory", entry.directory())
          .field("sizeBytes", entry.sizeBytes())
          .field("replication", entry.replication())
          .field("modifiedMillis", entry.modifiedMillis())
          .endObject();
    }
    return json.endArray().endObject().toString();
  }

  static String stat(FileInfo info) {
    JsonWriter json = new JsonWriter().beginObject()
        .field("path", info.path())
        .field("directory", info.directory())
        .field("sizeBytes", info.sizeBytes())
        .field("replication", info.replication())
        .field("pieceSizeBytes", info.pieceSizeBytes())
        .field("modifiedMillis", info.modifiedMillis())
        .field("sha256", info.sha256Hex());
    pieces(json, info.pieces());
    return json.endObject().toString();
  }

  static String deleted(String path, long filesDeleted) {
    return new JsonWriter().beginObject().field("path", path).field("filesDeleted", filesDeleted).endObject()
        .toString();
  }

  static String moved(String source, String destination) {
    return new JsonWriter().beginObject().field("source", source).field("destination", destination).endObject()
        .toString();
  }

  static String created(String path) {
    return new JsonWriter().beginObject().field("path", path).endObject().toString();
  }

  /** {@code "pieces":[{"index","pieceId","offsetBytes","lengthBytes","crc32c","replicas":[{"workerId","address"}]}]} */
  private static void pieces(JsonWriter json, List<PieceInfo> pieces) {
    json.name("pieces").beginArray();
    for (PieceInfo piece : pieces) {
      json.beginObject()
          .field("index", piece.index())
          .field("pieceId", piece.id().toString())
          .field("offsetBytes", piece.offset())
          .field("lengthBytes", piece.lengthBytes())
          .field("crc32c", Crc32c.hex(piece.crc32c()))
          .name("replicas").beginArray();
      for (ReplicaLocation replica : piece.replicas()) {
        json.beginObject().field("workerId", replica.workerId().value()).field("address", replica.address())
            .endObject();
      }
      json.endArray().endObject();
    }
    json.endArray();
  }
}
