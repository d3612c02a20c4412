package io.brick.iscsi.bad2;

import java.io.FileReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Bad for rule 2 only: a transport reading a file itself instead of asking brick-sysfs. */
public final class InitiatorFile {
    private InitiatorFile() {
    }

    public static int firstChar() throws IOException {
        try (FileReader reader = new FileReader("/etc/iscsi/initiatorname.iscsi", StandardCharsets.UTF_8)) {
            return reader.read();
        }
    }
}
