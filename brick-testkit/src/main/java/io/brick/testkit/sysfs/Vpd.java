package io.brick.testkit.sysfs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The binary SCSI pages the kernel exposes for a device ({@code inquiry}, {@code vpd_pg0}, {@code vpd_pg80},
 * {@code vpd_pg83}), laid out as a Linux-IO (LIO) target answers them; SPC-4 §6.4 and §7.8.
 */
final class Vpd {
    /** Protocol identifiers (SPC-4 table 444). */
    static final int PROTOCOL_FC = 0x0;
    static final int PROTOCOL_ISCSI = 0x5;

    private static final int CODE_SET_BINARY = 0x1;
    private static final int CODE_SET_ASCII = 0x2;
    private static final int CODE_SET_UTF8 = 0x3;
    private static final int PIV = 0x80;
    private static final int ASSOC_LU = 0x00;
    private static final int ASSOC_TARGET_PORT = 0x10;
    private static final int ASSOC_TARGET_DEVICE = 0x20;
    private static final int TYPE_T10 = 0x1;
    private static final int TYPE_EUI64 = 0x2;
    private static final int TYPE_NAA = 0x3;
    private static final int TYPE_RELATIVE_PORT = 0x4;
    private static final int TYPE_PORT_GROUP = 0x5;
    private static final int TYPE_LU_GROUP = 0x6;
    private static final int TYPE_SCSI_NAME = 0x8;

    private static final HexFormat HEX = HexFormat.of();
    /** Supported pages as LIO lists them: 00 80 83 86 b0 b1 b2 b3. */
    private static final byte[] PAGE_0 = HEX.parseHex("0000000800808386b0b1b2b3");
    /** Block limits, block device characteristics and logical block provisioning pages, as LIO answers them. */
    private static final byte[] PAGE_B0 = HEX.parseHex("00b0001001010001000040000000400000000000");
    private static final byte[] PAGE_B1 = HEX.parseHex("00b1003c" + "00".repeat(60));
    private static final byte[] PAGE_B2 = HEX.parseHex("00b2000400000000");
    /** Bytes 36..95 of LIO's standard INQUIRY data (version descriptors). */
    private static final byte[] INQUIRY_TAIL = HEX.parseHex(
            "0000000000000000000000000000000000000000000000a00960046004c0000000000000000000"
                    + "000000000000000000000000000000000000000000");

    private Vpd() {
    }

    static byte[] page0() {
        return PAGE_0.clone();
    }

    static byte[] pageB0() {
        return PAGE_B0.clone();
    }

    static byte[] pageB1() {
        return PAGE_B1.clone();
    }

    static byte[] pageB2() {
        return PAGE_B2.clone();
    }

    /** Standard INQUIRY data (96 bytes) for a disk (peripheral type {@code type}) with vendor, model and revision. */
    static byte[] inquiry(int type, String vendor, String model, String rev) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) type, 0x00, 0x06, 0x02, 0x5b, (byte) 0xb8, 0x00, 0x02});
        out.writeBytes(ascii(pad(vendor, 8)));
        out.writeBytes(ascii(pad(model, 16)));
        out.writeBytes(ascii(pad(rev, 4)));
        out.writeBytes(INQUIRY_TAIL);
        return out.toByteArray();
    }

    /** Unit serial number page: the serial and a NUL, as LIO sends it. */
    static byte[] page80(String serial) {
        byte[] text = nulTerminated(serial, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, (byte) 0x80, (byte) (text.length >> 8), (byte) text.length});
        out.writeBytes(text);
        return out.toByteArray();
    }

    /**
     * Device identification page: the LU's NAA (or EUI-64) designator from its udev WWID, the T10 vendor id
     * ({@code vendor(8) model ":" serial}), the relative target port, the target port group, the LU group and, for
     * iSCSI, the SCSI name strings of the target port ({@code iqn,t,0x<tpgt>}) and of the target device.
     *
     * @param udevWwid the WWID in udev form ({@code 36001405...}); a {@code 3} prefix gives an NAA designator, a
     *                 {@code 2} an EUI-64 one, anything else none
     * @param iscsiTarget for iSCSI: the target IQN and its TPGT
     */
    static byte[] page83(String udevWwid, String vendor, String model, String serial, int protocol,
                         Optional<IscsiName> iscsiTarget) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        char kind = udevWwid.charAt(0);
        if (kind == '3' || kind == '2') {
            designator(body, CODE_SET_BINARY, ASSOC_LU | (kind == '3' ? TYPE_NAA : TYPE_EUI64),
                    HEX.parseHex(udevWwid.substring(1)));
        }
        String t10 = pad(vendor, 8) + model.strip() + ":" + serial;
        designator(body, CODE_SET_ASCII, ASSOC_LU | TYPE_T10, nulTerminated(t10, 0));
        designator(body, (protocol << 4) | CODE_SET_BINARY, PIV | ASSOC_TARGET_PORT | TYPE_RELATIVE_PORT,
                new byte[] {0, 0, 0, 1});
        designator(body, (protocol << 4) | CODE_SET_BINARY, PIV | ASSOC_TARGET_PORT | TYPE_PORT_GROUP,
                new byte[] {0, 0, 0, 0});
        designator(body, CODE_SET_BINARY, ASSOC_LU | TYPE_LU_GROUP, new byte[] {0, 0, 0, 0});
        if (iscsiTarget.isPresent()) {
            IscsiName name = iscsiTarget.get();
            String port = name.iqn() + ",t," + String.format(Locale.ROOT, "0x%04x", name.tpgt());
            designator(body, (protocol << 4) | CODE_SET_UTF8, PIV | ASSOC_TARGET_PORT | TYPE_SCSI_NAME,
                    nulTerminated(port, 4));
            designator(body, (protocol << 4) | CODE_SET_UTF8, PIV | ASSOC_TARGET_DEVICE | TYPE_SCSI_NAME,
                    nulTerminated(name.iqn(), 4));
        }
        byte[] designators = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x00, (byte) 0x83, (byte) (designators.length >> 8), (byte) designators.length});
        out.writeBytes(designators);
        return out.toByteArray();
    }

    /** An iSCSI target's name and portal group tag, for the SCSI name string designators. */
    record IscsiName(String iqn, int tpgt) {
    }

    /** {@code text} padded with spaces (or cut) to {@code width} characters, as INQUIRY fields are. */
    static String pad(String text, int width) {
        if (text.length() >= width) {
            return text.substring(0, width);
        }
        return text + " ".repeat(width - text.length());
    }

    private static void designator(ByteArrayOutputStream out, int protocolAndCodeSet, int pivAssocType, byte[] value) {
        out.write(protocolAndCodeSet);
        out.write(pivAssocType);
        out.write(0);
        out.write(value.length);
        out.writeBytes(value);
    }

    /** The text, a NUL, and NULs up to a multiple of {@code align} bytes (no alignment for 0). */
    private static byte[] nulTerminated(String text, int align) {
        byte[] bytes = ascii(text);
        int length = bytes.length + 1;
        if (align > 0 && length % align != 0) {
            length += align - length % align;
        }
        byte[] result = new byte[length];
        System.arraycopy(bytes, 0, result, 0, bytes.length);
        return result;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
