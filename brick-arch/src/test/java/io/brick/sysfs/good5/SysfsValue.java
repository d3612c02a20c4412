package io.brick.sysfs.good5;

/** Good for rule 5: public classes that implement no port are fine. */
public record SysfsValue(String name) {
}
