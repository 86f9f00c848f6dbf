package dev.shardcast.transforms.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one place that knows what a secret looks like in text shardcast prints or stores: the user
 * part of a URL ({@code https://user:password@host}), the values of signature, credential and token
 * parameters of a query string (a presigned URL's {@code X-Amz-Signature}, {@code X-Amz-Credential},
 * {@code X-Amz-Security-Token}, Azure's {@code sig}, {@code access_token}, ...) and AWS access key
 * ids ({@code AKIA...}, {@code ASIA...}). Each is replaced by {@link #MASK}; the rest of the text
 * stays, so a redacted path still says which file was meant.
 *
 * <p>Used for the printed and saved config, the config stored in the manifest and the run log, every
 * error message of the CLI and (through a filter on the standard streams) every log line.
 */
public final class Redaction {
  public static final String MASK = "***";

  /** scheme://userinfo@ : the userinfo (one or two parts) is a credential. */
  private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s?#]+@");

  /** A query or fragment parameter whose name says it holds a secret, up to the next separator. */
  private static final Pattern SECRET_PARAM = Pattern.compile(
      "(?i)([?&;#][\\w.-]*(?:signature|credential|token|secret|password|passwd|pwd|sig|apikey|api_key|access_key"
          + "|accesskey|auth|key)[\\w.-]*=)[^&;#\\s\"',)\\]}]*");

  /** AWS access key ids: 20 characters, AKIA (long-term) or ASIA (temporary). */
  private static final Pattern AWS_KEY_ID = Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b");

  private Redaction() {}

  /** {@code text} with every secret replaced by {@link #MASK}; null stays null. */
  public static String text(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String s = USERINFO.matcher(text).replaceAll("$1" + MASK + "@");
    s = SECRET_PARAM.matcher(s).replaceAll("$1" + MASK);
    return AWS_KEY_ID.matcher(s).replaceAll(MASK);
  }

  /** Whether {@code text} holds something {@link #text} would mask. */
  public static boolean hasSecret(String text) {
    return text != null && !text.equals(text(text));
  }

  /** A copy of a JSON/YAML tree with every string value (and field name) redacted. */
  public static JsonNode tree(JsonNode node) {
    if (node instanceof TextNode t) {
      String r = text(t.asText());
      return r.equals(t.asText()) ? node : TextNode.valueOf(r);
    }
    if (node instanceof ObjectNode o) {
      ObjectNode copy = o.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        copy.set(text(e.getKey()), tree(e.getValue()));
      }
      return copy;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode copy = a.arrayNode();
      a.forEach(n -> copy.add(tree(n)));
      return copy;
    }
    return node;
  }
}
