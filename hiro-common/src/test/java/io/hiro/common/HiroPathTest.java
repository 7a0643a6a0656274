package io.hiro.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import java.util.List;
import org.junit.jupiter.api.Test;

class HiroPathTest {
  @Test
  void parsesAbsolutePathsIntoSegments() {
    assertThat(HiroPath.parse("/photos/2024/a.jpg").segments()).containsExactly("photos", "2024", "a.jpg");
    assertThat(HiroPath.parse("/").isRoot()).isTrue();
    assertThat(HiroPath.parse("/a/b/").toString()).isEqualTo("/a/b");
  }

  @Test
  void rejectsRelativeEmptyDotAndTooLongPaths() {
    for (String bad : new String[] {"", "a/b", "/a//b", "/a/../b", "/./a", "/a/\u0000b", "/" + "x".repeat(256)}) {
      assertThatThrownBy(() -> HiroPath.parse(bad))
          .isInstanceOf(HiroException.class)
          .extracting(e -> ((HiroException) e).code())
          .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Test
  void knowsItsParentAndAncestors() {
    HiroPath path = HiroPath.parse("/a/b/c");
    assertThat(path.parent()).isEqualTo(HiroPath.parse("/a/b"));
    assertThat(path.ancestors()).containsExactly(HiroPath.ROOT, HiroPath.parse("/a"), HiroPath.parse("/a/b"));
    assertThat(path.startsWith(HiroPath.parse("/a"))).isTrue();
    assertThat(HiroPath.parse("/ab").startsWith(HiroPath.parse("/a"))).isFalse();
  }

  @Property
  void printingThenParsingGivesTheSamePath(
      @ForAll @Size(min = 0, max = 8) List<@AlphaChars @StringLength(min = 1, max = 20) String> segments) {
    HiroPath path = new HiroPath(segments);
    assertThat(HiroPath.parse(path.toString())).isEqualTo(path);
  }
}
