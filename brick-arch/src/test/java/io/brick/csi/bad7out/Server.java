package io.brick.csi.bad7out;

/** Bad for rule 7c: only the CSI plugin's launcher (io.brick.csi.CsiMain) may print; the services log. */
final class Server {
    private Server() {
    }

    static void started() {
        System.err.println("serving");
    }
}
