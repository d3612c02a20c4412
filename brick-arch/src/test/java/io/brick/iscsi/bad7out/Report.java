package io.brick.iscsi.bad7out;

/** Bad for rule 7c only: System.out in a library. */
final class Report {
    private Report() {
    }

    static void print() {
        System.out.println("logged in");
    }
}
