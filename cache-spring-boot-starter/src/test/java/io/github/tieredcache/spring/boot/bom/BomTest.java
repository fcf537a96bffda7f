package io.github.tieredcache.spring.boot.bom;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The BOM has no parent (so it hands an application none of Spring Boot's versions), so nothing
 * keeps it in step with the build but this test: its version is the project's, it manages every
 * library module the build publishes, and its resilience4j version is the one the build uses.
 */
class BomTest {

  private static final Path ROOT = Path.of("..");

  @Test
  void theBomManagesEveryLibraryModuleAtTheProjectsVersion() throws Exception {
    Document parent = parse(ROOT.resolve("pom.xml"));
    Document bom = parse(ROOT.resolve("tiered-cache-bom/pom.xml"));

    assertThat(text(bom.getDocumentElement(), "version"))
        .isEqualTo(text(parent.getDocumentElement(), "version"));
    assertThat(text(bom.getDocumentElement(), "parent")).isEmpty();

    List<String> libraries = new ArrayList<>();
    NodeList modules = parent.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().trim();
      if (module.startsWith("cache-") && !module.endsWith("-it")) { // -it: tests, not published
        libraries.add(module);
      }
    }
    assertThat(libraries).contains("cache-core", "cache-redis", "cache-spring-boot-starter");
    assertThat(managed(bom)).containsAll(libraries).contains("resilience4j-micrometer");

    assertThat(
            text((Element) bom.getElementsByTagName("properties").item(0), "resilience4j.version"))
        .isEqualTo(
            text(
                (Element) parent.getElementsByTagName("properties").item(0),
                "resilience4j.version"));
  }

  private static List<String> managed(Document bom) {
    List<String> artifacts = new ArrayList<>();
    NodeList dependencies = bom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      artifacts.add(text((Element) dependencies.item(i), "artifactId"));
    }
    return artifacts;
  }

  /** The text of {@code parent}'s direct child called {@code name}, or "" if it has none. */
  private static String text(Element parent, String name) {
    NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element child && child.getTagName().equals(name)) {
        return child.getTextContent().trim();
      }
    }
    return "";
  }

  private static Document parse(Path pom) throws Exception {
    assertThat(pom).exists();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (var in = Files.newInputStream(pom)) {
      return factory.newDocumentBuilder().parse(in);
    }
  }
}
