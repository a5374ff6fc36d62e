package io.sparkinception.preprocessing.annotations;

import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.common.HadoopFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A Pascal VOC directory: {@code Annotations/*.xml}, {@code JPEGImages/}, {@code ImageSets/Main/{train,val,test}.txt}.
 * Every {@code <object>} becomes one record; the image is its group; the split is the ImageSets file that lists
 * the image (none: assigned like any unsplit source). Coordinates are 1-based in VOC and converted to 0-based.
 */
public final class VocReader implements AnnotationReader {

    @Override
    public ReadResult read(SourceSpec spec, HadoopFiles files) throws IOException {
        String root = spec.input().endsWith("/") ? spec.input().substring(0, spec.input().length() - 1) : spec.input();
        String annotationsDir = root + "/Annotations";
        if (!files.isDirectory(annotationsDir)) {
            throw new IllegalArgumentException(root + " is not a Pascal VOC directory: no Annotations/ folder");
        }
        String imagesRoot = spec.imagesRoot().isEmpty() ? root + "/JPEGImages" : spec.imagesRoot();
        Map<String, Split> splits = readSplits(root, files);
        int offset = spec.vocOneBased() ? 1 : 0;
        DocumentBuilder parser = newParser();
        List<Annotation> annotations = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (String xmlName : files.list(annotationsDir, ".xml")) {
            String stem = xmlName.substring(0, xmlName.length() - 4);
            Document doc;
            try {
                doc = parser.parse(new ByteArrayInputStream(files.readBytes(annotationsDir + "/" + xmlName)));
            } catch (SAXException e) {
                skipped.add(new Skipped(xmlName, xmlName, SkipReason.MALFORMED_RECORD, "unparseable XML: " + e.getMessage()));
                continue;
            } finally {
                parser.reset();
            }
            Element top = doc.getDocumentElement();
            String fileName = text(top, "filename");
            if (fileName == null || fileName.isBlank()) {
                fileName = stem + ".jpg";
            }
            int width = intOr(text(child(top, "size"), "width"), -1);
            int height = intOr(text(child(top, "size"), "height"), -1);
            NodeList objects = top.getElementsByTagName("object");
            for (int k = 0; k < objects.getLength(); k++) {
                Element obj = (Element) objects.item(k);
                String id = fileName + "#" + k;
                String location = xmlName + "#object" + k;
                try {
                    String name = text(obj, "name");
                    if (name == null || name.isBlank()) {
                        throw new IllegalArgumentException("object has no <name>");
                    }
                    Element bb = child(obj, "bndbox");
                    if (bb == null) {
                        throw new IllegalArgumentException("object has no <bndbox>");
                    }
                    Box box = new Box(coordinate(bb, "xmin") - offset, coordinate(bb, "ymin") - offset,
                            coordinate(bb, "xmax") - offset, coordinate(bb, "ymax") - offset);
                    annotations.add(new Annotation(id, location, fileName, HadoopFiles.resolve(imagesRoot, fileName),
                            name.trim(), box, stem, splits.get(stem), width, height));
                } catch (IllegalArgumentException e) {
                    skipped.add(new Skipped(id, location, SkipReason.MALFORMED_RECORD, e.getMessage()));
                }
            }
        }
        List<ClassInfo> classes = spec.classNames().isEmpty() ? List.of()
                : ClassNames.parse(files.readText(spec.classNames()), spec.classNames());
        return new ReadResult(annotations, skipped, classes);
    }

    /** Image stem to split, from ImageSets/Main/{train,val,test}.txt; test wins over val over train. */
    static Map<String, Split> readSplits(String root, HadoopFiles files) throws IOException {
        Map<String, Split> out = new HashMap<>();
        for (Split s : new Split[] {Split.TRAIN, Split.VAL, Split.TEST}) {
            String path = root + "/ImageSets/Main/" + s.id() + ".txt";
            if (files.exists(path)) {
                for (String line : Csv.lines(files.readText(path))) {
                    String stem = line.trim().split("\\s+")[0];
                    if (!stem.isEmpty()) {
                        out.put(stem, s);
                    }
                }
            }
        }
        return out;
    }

    private static DocumentBuilder newParser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML parser: " + e.getMessage(), e);
        }
    }

    private static Element child(Element parent, String tag) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String tag) {
        Element e = child(parent, tag);
        return e == null ? null : e.getTextContent().trim();
    }

    private static int intOr(String s, int fallback) {
        try {
            return s == null ? fallback : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** VOC coordinates are integers, but some tools write "12.0". */
    private static int coordinate(Element box, String tag) {
        String s = text(box, tag);
        if (s == null) {
            throw new IllegalArgumentException("bndbox has no <" + tag + ">");
        }
        return CsvReader.parseCoordinate(s);
    }
}
