package dev.nova.host.internal.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON on the wire: request bodies read strictly (one object, no duplicate keys, nothing after it; {@code NaN} and
 * {@code Infinity} read as numbers so that the field holding them can be named) and responses written.
 */
final class Wire {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final JSON JSON_IO = JSON.builder(FACTORY).build()
            .with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS, JSON.Feature.WRITE_NULL_PROPERTIES)
            .with(JSON.Feature.USE_DEFERRED_MAPS, false);

    private Wire() {
    }

    /**
     * Reads a request body.
     *
     * @param body the bytes, UTF-8
     * @return the object's fields
     * @throws ApiError 400 when the body is not one JSON object
     */
    static Map<String, Object> read(byte[] body) {
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw ApiError.request("the request body must be a JSON object");
            }
            Map<String, Object> fields = JSON_IO.mapFrom(p);
            if (p.nextToken() != null) {
                throw ApiError.request("the request body must hold one JSON object; found more after it");
            }
            return fields;
        } catch (JsonProcessingException e) {
            // A limit of the parser (nesting deeper than 1,000, a number of 1,000 digits) comes without a location.
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            String message = String.valueOf(e.getOriginalMessage()).replaceAll("\\s*\\R\\s*", " ");
            throw ApiError.request("the request body is not valid JSON: " + (message.length() > 300
                    ? message.substring(0, 300) + "..." : message)
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a value (maps, lists, strings, numbers, booleans, null) as JSON text. */
    static String write(Object value) {
        try {
            return JSON_IO.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #write} as UTF-8 bytes. */
    static byte[] bytes(Object value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /** An insertion-ordered map of alternating keys and values, for building responses. */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** The error body OpenAI's clients read. */
    static Map<String, Object> error(ApiError e) {
        return object("error", object("message", e.getMessage(), "type", e.type, "param", e.param, "code", e.code));
    }
}
