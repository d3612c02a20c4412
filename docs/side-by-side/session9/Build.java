public class Build {
    public static void main(String[] a) {
        for (String s : a) {
            long t = System.nanoTime();
            System.out.println(s + " -> " + io.brick.benchmarks.TreeCache.tree(io.brick.benchmarks.HostShape.parse(s))
                + " in " + (System.nanoTime() - t) / 1_000_000 + " ms");
        }
    }
}
