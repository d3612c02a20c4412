package io.brick.iscsi;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.Quoted;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The syntax check behind {@link Iqn}: kept apart so the record stays a plain value.
 *
 * <p>RFC 3720 §3.2.6.3: {@code iqn.yyyy-mm.naming-authority[:identifier]}, {@code eui.} + 16 hex digits,
 * {@code naa.} + 16 or 32 hex digits; at most 223 bytes (UTF-8). The type prefix is matched case-insensitively
 * (some arrays report {@code IQN.}); the value itself is never changed. The naming authority (a reversed domain) is
 * letters, digits, {@code .} and {@code -} in non-empty labels; upper case is accepted because iSCSI compares names
 * case-insensitively and a host may already carry such a name (brick must be able to read it). The identifier may hold any printable character except
 * whitespace, control characters, the shell-dangerous {@code ; | & $ ` ' " \ < >}, {@code /} and {@code ..}: iSCSI
 * names end up in argv and in lock-file names, so nothing that could mean something to a shell or a path is let in.
 */
final class IqnSyntax {
    /** RFC 3720 §3.2.6.1: an iSCSI name is at most 223 bytes. */
    static final int MAX_BYTES = 223;

    private static final Pattern IQN = Pattern.compile("(?s)([0-9]{4})-([0-9]{2})\\.([^:]*)(:(.*))?");
    private static final Pattern AUTHORITY = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9-]*(\\.[a-zA-Z0-9][a-zA-Z0-9-]*)*");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final String FORBIDDEN = ";|&$`'\"\\<>/";

    private IqnSyntax() {
    }

    static void check(String value, String key) {
        if (value.isEmpty()) {
            throw new InvalidInputException(key, "empty iSCSI name");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new InvalidInputException(key, "iSCSI name " + Quoted.of(value) + " is " + bytes
                    + " bytes long; at most " + MAX_BYTES + " are allowed");
        }
        String type = value.length() < 4 ? "" : value.substring(0, 4).toLowerCase(Locale.ROOT);
        String rest = value.substring(Math.min(4, value.length()));
        switch (type) {
            case "iqn." -> checkIqn(value, rest, key);
            case "eui." -> {
                if (rest.length() != 16 || !HEX.matcher(rest).matches()) {
                    throw invalid(value, key, "an eui. name is followed by exactly 16 hex digits");
                }
            }
            case "naa." -> {
                if ((rest.length() != 16 && rest.length() != 32) || !HEX.matcher(rest).matches()) {
                    throw invalid(value, key, "a naa. name is followed by exactly 16 or 32 hex digits");
                }
            }
            default -> throw invalid(value, key, "it does not start with iqn., eui. or naa.");
        }
    }

    private static void checkIqn(String value, String rest, String key) {
        Matcher matcher = IQN.matcher(rest);
        if (!matcher.matches()) {
            throw invalid(value, key, "an iqn. name continues with a date yyyy-mm, a '.' and a naming authority");
        }
        int month = Integer.parseInt(matcher.group(2));
        if (month < 1 || month > 12) {
            throw invalid(value, key, "month " + matcher.group(2) + " of the date is not 01 to 12");
        }
        if (!AUTHORITY.matcher(matcher.group(3)).matches()) {
            throw invalid(value, key, "the naming authority (reversed domain name) must be letters, digits, "
                    + "'.' and '-' in non-empty labels");
        }
        String identifier = matcher.group(5);
        if (identifier == null) {
            return;
        }
        if (identifier.isEmpty()) {
            throw invalid(value, key, "nothing follows the ':'");
        }
        for (int i = 0; i < identifier.length(); ) {
            int cp = identifier.codePointAt(i);
            if (!allowed(cp)) {
                throw invalid(value, key, "the part after ':' contains " + describe(cp)
                        + "; whitespace, control characters and ; | & $ ` ' \" \\ < > / are not allowed");
            }
            i += Character.charCount(cp);
        }
        if (identifier.contains("..")) {
            throw invalid(value, key, "the part after ':' contains '..'");
        }
    }

    private static boolean allowed(int cp) {
        if (cp < 0x80) {
            return cp > 0x20 && cp < 0x7f && FORBIDDEN.indexOf(cp) < 0;
        }
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return false;
        }
        int category = Character.getType(cp);
        return category != Character.CONTROL && category != Character.FORMAT && category != Character.SURROGATE
                && category != Character.PRIVATE_USE && category != Character.UNASSIGNED
                && category != Character.LINE_SEPARATOR && category != Character.PARAGRAPH_SEPARATOR;
    }

    private static String describe(int cp) {
        if (cp > 0x20 && cp < 0x7f) {
            return "'" + (char) cp + "'";
        }
        return cp == ' ' ? "a space" : String.format(Locale.ROOT, "U+%04X", cp);
    }

    private static InvalidInputException invalid(String value, String key, String why) {
        return new InvalidInputException(key, Quoted.of(value) + " is not an iSCSI name: " + why);
    }
}
