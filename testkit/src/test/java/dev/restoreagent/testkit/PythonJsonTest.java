package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// Every expected string below was printed by CPython 3.11's json.dumps with the same arguments.
class PythonJsonTest {

    @Test
    void singleLineKeepsInsertionOrderWithPythonSeparators() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", List.of(1, 2));
        m.put("c", Map.of());
        assertThat(PythonJson.dumps(m, false, null)).isEqualTo("{\"b\": 1, \"a\": [1, 2], \"c\": {}}");
    }

    @Test
    void sortedAndIndentedLikeCinderMetadata() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("y", List.of());
        inner.put("x", Map.of());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", inner);
        m.put("a", Arrays.asList(1, "two", null, true, false, Map.of("k", -3L)));
        String expected =
                """
        {
          "a": [
            1,
            "two",
            null,
            true,
            false,
            {
              "k": -3
            }
          ],
          "b": {
            "x": {},
            "y": []
          }
        }""";
        assertThat(PythonJson.dumps(m, true, 2)).isEqualTo(expected);
    }

    @Test
    void indentZeroBreaksLinesWithoutIndenting() {
        assertThat(PythonJson.dumps(Map.of("a", List.of(List.of())), true, 0)).isEqualTo("{\n\"a\": [\n[]\n]\n}");
    }

    @Test
    void escapesEverythingOutsidePrintableAscii() {
        String s = "\u00e9\u2028\n\"\\\t\u0001\u007f\b\f\r\uD83D\uDE00 ~";
        assertThat(PythonJson.dumps(s, false, null))
                .isEqualTo("\"\\u00e9\\u2028\\n\\\"\\\\\\t\\u0001\\u007f\\b\\f\\r\\ud83d\\ude00 ~\"");
    }

    @Test
    void sortsKeysByCodePointLikePython() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\uffff", 1);
        m.put("\uD83D\uDE00", 2);
        m.put("a", 3);
        assertThat(PythonJson.dumps(m, true, null)).isEqualTo("{\"a\": 3, \"\\uffff\": 1, \"\\ud83d\\ude00\": 2}");
    }

    @Test
    void rejectsValuesItCannotWriteExactly() {
        assertThatThrownBy(() -> PythonJson.dumps(List.of(1.5), false, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PythonJson.dumps(Map.of(1, 2), false, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
