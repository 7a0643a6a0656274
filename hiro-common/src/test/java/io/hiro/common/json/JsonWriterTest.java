package io.hiro.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
  @Test
  void nestedObjectsAndArraysGetTheirCommasAndEscapes() {
    String json = new JsonWriter().beginObject()
        .field("path", "/a \"b\"\\c\n")
        .field("size", 12)
        .field("ok", true)
        .field("reasons", List.of("x", "y"))
        .name("pieces").beginArray()
        .beginObject().field("index", 0).endObject()
        .beginObject().field("index", 1).field("nothing", (String) null).endObject()
        .endArray()
        .name("empty").beginArray().endArray()
        .field("control", "\u0001")
        .endObject().toString();

    assertThat(json).isEqualTo("{\"path\":\"/a \\\"b\\\"\\\\c\\n\",\"size\":12,\"ok\":true,\"reasons\":[\"x\",\"y\"],"
        + "\"pieces\":[{\"index\":0},{\"index\":1,\"nothing\":null}],\"empty\":[],\"control\":\"\\u0001\"}");
  }

  @Test
  void aDocumentLeftOpenIsABug() {
    assertThatThrownBy(() -> new JsonWriter().beginObject().toString()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new JsonWriter().endArray()).isInstanceOf(IllegalStateException.class);
  }
}
