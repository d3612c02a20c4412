import io.brick.benchmarks.LookupBenchmarks;
import java.nio.file.*;
import java.util.function.Supplier;

/**
 * Drives one {@code LookupBenchmarks} lookup for {@code count.sh}: 2,000 warm-up calls, then 200 between two marker
 * {@code stat}s that {@code strace} sees. Run with the benchmarks jar on the class path: {@code java -cp JAR LookupSyscalls.java SHAPE LOOKUP}.
 */
public class LookupSyscalls {
    public static void main(String[] a) throws Exception {
        LookupBenchmarks b = new LookupBenchmarks();
        b.shape = a[0];
        b.impl = "brick";
        b.setUp();
        Supplier<Object> call = switch (a[1]) {
            case "sessionDevice" -> b::sessionDevice;
            case "holderMap" -> b::holderMap;
            case "holders" -> b::holders;
            case "wwid" -> b::wwid;
            case "volumeDevices" -> b::volumeDevices;
            case "byIdLink" -> b::byIdLink;
            default -> throw new IllegalArgumentException(a[1]);
        };
        for (int i = 0; i < 2000; i++) call.get();
        Files.exists(Path.of("/MARK-START"));
        for (int i = 0; i < 200; i++) call.get();
        Files.exists(Path.of("/MARK-END"));
        System.exit(0);
    }
}
