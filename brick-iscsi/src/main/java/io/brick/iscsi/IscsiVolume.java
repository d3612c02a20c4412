package io.brick.iscsi;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Lun;
import io.brick.core.model.LunAddressing;
import io.brick.core.model.Secret;
import io.brick.core.model.Wwid;
import io.brick.iscsi.SessionManager.Chap;
import io.brick.iscsi.SessionManager.Node;
import io.brick.core.transport.TransportVolume;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An iSCSI volume's connection properties (os-brick's {@code data} for {@code driver_volume_type: iscsi}), read
 * once, checked whole before anything runs: every wrong value is an {@link InvalidInputException} naming its key
 * ({@code target_portals[1]}, {@code target_luns}, {@code auth_password}, ...), and never repeating a secret.
 *
 * <p>The targets are resolved as os-brick's {@code _get_all_targets} does: from {@code target_portals} +
 * {@code target_iqns} (+ {@code target_luns}, or {@code target_lun} for every target) only when <em>both</em> lists
 * are present, otherwise from {@code target_portal} + {@code target_iqn} + {@code target_lun} (default 0). Unlike
 * os-brick, lists of different lengths are invalid input (os-brick's {@code zip} silently drops the extra entries),
 * and the LUN transformation of {@code addressing_mode} applies to every LUN, discovered targets' included (os-brick
 * skips it for those). A multipath volume without the two lists is discovered through {@code target_portal}
 * ({@link #needsDiscovery()}); {@link #targetsFromDiscovery(List)} then applies os-brick's shared-IQN heuristic.
 *
 * <p>Brick extensions to os-brick's keys: {@code auth_username_in} / {@code auth_password_in} (and the
 * {@code discovery_} pair) for mutual CHAP; {@code scsi_wwn}, the WWID the volume is expected to have; {@code
 * transport}, the iface, overriding the connector's. {@code encrypted} is read but brick does not create os-brick's
 * encrypted-volume symlink: the caller gets the real device path.
 *
 * @param targets the paths to log in to: the lists' targets, or the single target (for a volume that needs
 *                discovery, the discovery seed)
 * @param pluralTargets whether the targets came from {@code target_portals} and {@code target_iqns}
 * @param targetIqnsGiven whether {@code target_iqns} was given (non-empty); it turns off the shared-IQN heuristic
 * @param discoveryLuns the LUNs for discovered targets ({@code target_luns}, or {@code target_lun} for each), transformed
 * @param addressing the LUN addressing mode ({@code addressing_mode})
 * @param iface the open-iscsi iface: {@code default}, {@code iser} or a named (offload) iface
 * @param multipath whether the connector uses multipath
 * @param chap node CHAP ({@code auth_method}, {@code auth_username}, {@code auth_password})
 * @param discoveryChap discovery CHAP ({@code discovery_auth_*})
 * @param enforceMultipath {@code enforce_multipath}
 * @param devicePath {@code device_path}, the path the consumer used
 * @param expectedWwid {@code scsi_wwn}: the WWID the volume's device must have
 * @param volumeId {@code volume_id}, for logs only
 * @param encrypted {@code encrypted}
 */
public record IscsiVolume(List<IscsiTarget> targets, boolean pluralTargets, boolean targetIqnsGiven,
                          List<Lun> discoveryLuns, LunAddressing addressing, String iface, boolean multipath,
                          Optional<Chap> chap, Optional<Chap> discoveryChap, boolean enforceMultipath,
                          Optional<String> devicePath, Optional<Wwid> expectedWwid, Optional<String> volumeId,
                          boolean encrypted) implements TransportVolume {
    /** The iface of plain TCP. */
    public static final String DEFAULT_IFACE = "default";
    /** The iface of iSER. */
    public static final String ISER_IFACE = "iser";
    /** The offload drivers open-iscsi names ifaces after ({@code <driver>.<hwaddress>}). */
    private static final Set<String> OFFLOAD_DRIVERS = Set.of("be2iscsi", "bnx2i", "cxgb3i", "cxgb4i", "qedi", "qla4xxx",
            "ocs");
    /** open-iscsi keeps CHAP names and secrets in 256-byte buffers. */
    private static final int MAX_CREDENTIAL_BYTES = 255;
    /** open-iscsi iface names: file names under /etc/iscsi/ifaces, at most 64 characters. */
    private static final Pattern IFACE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:\\-]{0,63}");

    public IscsiVolume {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a volume has at least one target");
        }
        discoveryLuns = List.copyOf(discoveryLuns);
        requireNonNull(addressing, "addressing is null");
        requireNonNull(iface, "iface is null");
        requireNonNull(chap, "chap is null");
        requireNonNull(discoveryChap, "discoveryChap is null");
        requireNonNull(devicePath, "devicePath is null");
        requireNonNull(expectedWwid, "expectedWwid is null");
        requireNonNull(volumeId, "volumeId is null");
    }

    /** Reads the properties for a single-path connector on the {@code default} iface. */
    public static IscsiVolume parse(ConnectionProperties properties) {
        return parse(properties, false, DEFAULT_IFACE);
    }

    /**
     * Reads the properties.
     *
     * @param properties the connection properties
     * @param useMultipath whether the connector uses multipath (then a volume without target lists needs discovery)
     * @param connectorTransport the connector's transport (os-brick's {@code transport}): {@code iser}, {@code default}
     *                           ({@code tcp} means the same) or a named iface; the {@code transport} key overrides it
     * @throws InvalidInputException naming the first wrong key
     */
    public static IscsiVolume parse(ConnectionProperties properties, boolean useMultipath, String connectorTransport) {
        requireNonNull(properties, "properties is null");
        requireNonNull(connectorTransport, "connectorTransport is null");
        LunAddressing addressing = properties.addressingMode();
        Optional<Portal> portal = properties.string("target_portal").map(text -> Portal.parse(text, "target_portal"));
        Optional<Iqn> iqn = properties.string("target_iqn").map(text -> Iqn.parse(text, "target_iqn"));
        Optional<Lun> lun = properties.lun("target_lun").map(each -> transform(each, addressing, "target_lun"));
        Optional<List<Portal>> portals = properties.stringList("target_portals")
                .map(list -> elements(list, "target_portals", text -> key -> Portal.parse(text, key)));
        Optional<List<Iqn>> iqns = properties.stringList("target_iqns")
                .map(list -> elements(list, "target_iqns", text -> key -> Iqn.parse(text, key)));
        Optional<List<Lun>> luns = properties.lunList("target_luns").map(list -> transformAll(list, addressing));

        boolean plural = portals.isPresent() && iqns.isPresent();
        List<IscsiTarget> targets = new ArrayList<>();
        List<Lun> discoveryLuns = List.of();
        if (plural) {
            requireNonEmpty(portals.get(), "target_portals");
            requireSameLength(iqns.get(), "target_iqns", portals.get().size());
            List<Lun> perTarget;
            if (luns.isPresent()) {
                requireSameLength(luns.get(), "target_luns", portals.get().size());
                perTarget = luns.get();
            } else {
                Lun each = lun.orElseThrow(() -> new InvalidInputException("target_luns",
                        "is missing, and so is target_lun (one of them is needed with target_portals)"));
                perTarget = Collections.nCopies(portals.get().size(), each);
            }
            for (int i = 0; i < portals.get().size(); i++) {
                targets.add(new IscsiTarget(portals.get().get(i), iqns.get().get(i), perTarget.get(i)));
            }
        } else {
            Portal single = portal.orElseThrow(() -> missing("target_portal"));
            Iqn target = iqn.orElseThrow(() -> missing("target_iqn"));
            Lun singleLun = lun.orElse(Lun.of(0).forAddressing(addressing));
            targets.add(new IscsiTarget(single, target, singleLun));
            if (luns.isPresent()) {
                requireNonEmpty(luns.get(), "target_luns");
                discoveryLuns = luns.get();
            } else {
                discoveryLuns = List.of(singleLun);
            }
        }
        boolean targetIqnsGiven = iqns.isPresent() && !iqns.get().isEmpty();

        return new IscsiVolume(targets, plural, targetIqnsGiven, discoveryLuns, addressing,
                iface(properties.string("transport").orElse(connectorTransport)), useMultipath,
                chap(properties, ""), chap(properties, "discovery_"),
                properties.bool("enforce_multipath").orElse(false),
                properties.string("device_path").filter(text -> !text.isBlank()),
                properties.scsiWwn(), properties.string("volume_id"), properties.bool("encrypted").orElse(false));
    }

    /** How the volume is named in messages: its id and its first target ({@code volume 7 (iqn...:t1 LUN 1)}). */
    @Override
    public String description() {
        IscsiTarget first = seed();
        return volumeId.map(id -> "volume " + id + " (").orElse("(") + first.iqn().value() + " LUN " + first.lun() + ")";
    }

    /**
     * The transport its sessions show in sysfs, where the iface's name says it: {@code tcp} for {@code default},
     * {@code iser}, or the offload driver of an iface open-iscsi named {@code <driver>.<hwaddress>} for an offload card
     * ({@code bnx2i.00:10:18:...}). Empty for an iface an operator named ({@code iscsiadm -m iface -I eth1-iface
     * --op new}): its transport is in its record ({@code iface.transport_name}, {@code tcp} unless changed), not in its
     * name, and its sessions are told apart by their {@code ifacename} alone.
     */
    public Optional<String> sessionTransport() {
        return transportOfIface(iface);
    }

    /** What an iface's name tells of its sessions' transport (see {@link #sessionTransport()}): the one rule. */
    static Optional<String> transportOfIface(String iface) {
        if (iface.equals(DEFAULT_IFACE)) {
            return Optional.of("tcp");
        }
        if (iface.equals(ISER_IFACE)) {
            return Optional.of(ISER_IFACE);
        }
        int dot = iface.indexOf('.');
        String driver = dot > 0 ? iface.substring(0, dot) : "";
        return OFFLOAD_DRIVERS.contains(driver) ? Optional.of(driver) : Optional.empty();
    }

    /** The iface sendtargets runs through: {@code iser} for iSER, else {@code default} (as os-brick does). */
    public String discoveryIface() {
        return iface.equals(ISER_IFACE) ? ISER_IFACE : DEFAULT_IFACE;
    }

    /** Whether the targets come from sendtargets discovery: multipath, and not both target lists given. */
    public boolean needsDiscovery() {
        return multipath && !pluralTargets;
    }

    /** The target discovery starts from ({@code target_portal}, {@code target_iqn}): the first target. */
    public IscsiTarget seed() {
        return targets.get(0);
    }

    /** The node record of a target, through this volume's iface. */
    public Node node(IscsiTarget target) {
        return target.node(iface);
    }

    /**
     * The targets to log in to after discovery at {@link #seed()}: the discovered target portals with
     * {@link #discoveryLuns()}, reduced by the shared-IQN heuristic unless {@code target_iqns} was given.
     *
     * @throws InvalidInputException under {@code target_luns} when its length fits neither 1 nor the discovered count
     */
    public List<IscsiTarget> targetsFromDiscovery(List<Node> discovered) {
        requireNonNull(discovered, "discovered is null");
        return targetIqnsGiven ? zip(discovered, discoveryLuns) : resolveDiscovered(discovered, seed().iqn(), discoveryLuns);
    }

    /**
     * os-brick's shared-IQN heuristic (§3.8 step 4 of the behaviour inventory): pairs each discovered target portal
     * with its LUN (one LUN for all, or one each); then, when every discovered (portal, LUN) also appears with the
     * main IQN, the array shows one IQN on every portal and the result is each distinct (portal, LUN) with the main
     * IQN (first-seen order, duplicates dropped); otherwise the discovered list is kept as it is (arrays with one IQN
     * per portal). IQNs compare as iSCSI names (case-insensitively).
     *
     * @throws InvalidInputException under {@code target_luns} when there are neither 1 nor as many LUNs as targets
     */
    public static List<IscsiTarget> resolveDiscovered(List<Node> discovered, Iqn mainIqn, List<Lun> luns) {
        requireNonNull(mainIqn, "mainIqn is null");
        List<IscsiTarget> zipped = zip(discovered, luns);
        record PortalLun(Portal portal, Lun lun) {
        }
        Set<PortalLun> all = new LinkedHashSet<>();
        Set<PortalLun> matching = new LinkedHashSet<>();
        for (IscsiTarget each : zipped) {
            PortalLun key = new PortalLun(each.portal(), each.lun());
            all.add(key);
            if (each.iqn().matches(mainIqn)) {
                matching.add(key);
            }
        }
        if (all.size() != matching.size()) {
            return zipped;
        }
        return all.stream().map(each -> new IscsiTarget(each.portal(), mainIqn, each.lun())).toList();
    }

    private static List<IscsiTarget> zip(List<Node> discovered, List<Lun> luns) {
        requireNonNull(discovered, "discovered is null");
        requireNonNull(luns, "luns is null");
        if (discovered.isEmpty()) {
            return List.of();
        }
        if (luns.size() != 1 && luns.size() != discovered.size()) {
            throw new InvalidInputException("target_luns", "has " + luns.size() + " LUNs but discovery found "
                    + discovered.size() + " target portals");
        }
        List<IscsiTarget> targets = new ArrayList<>(discovered.size());
        for (int i = 0; i < discovered.size(); i++) {
            Node node = discovered.get(i);
            targets.add(new IscsiTarget(node.portal(), node.target(), luns.size() == 1 ? luns.get(0) : luns.get(i)));
        }
        return List.copyOf(targets);
    }

    private static <T> List<T> elements(List<String> texts, String key, Function<String, Function<String, T>> parser) {
        List<T> parsed = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            parsed.add(parser.apply(texts.get(i)).apply(key + "[" + i + "]"));
        }
        return List.copyOf(parsed);
    }

    private static List<Lun> transformAll(List<Lun> luns, LunAddressing addressing) {
        List<Lun> transformed = new ArrayList<>(luns.size());
        for (int i = 0; i < luns.size(); i++) {
            transformed.add(transform(luns.get(i), addressing, "target_luns[" + i + "]"));
        }
        return List.copyOf(transformed);
    }

    private static Lun transform(Lun lun, LunAddressing addressing, String key) {
        try {
            return lun.forAddressing(addressing);
        } catch (InvalidInputException e) {
            throw e.under(key);
        }
    }

    private static void requireNonEmpty(List<?> list, String key) {
        if (list.isEmpty()) {
            throw new InvalidInputException(key, "is empty");
        }
    }

    private static void requireSameLength(List<?> list, String key, int expected) {
        if (list.size() != expected) {
            throw new InvalidInputException(key, "has " + list.size() + " entries but target_portals has " + expected);
        }
    }

    private static InvalidInputException missing(String key) {
        return new InvalidInputException(key, "is missing");
    }

    /** {@code iser}; {@code default} (and {@code tcp}); else a named iface, checked as a file name. */
    private static String iface(String transport) {
        if (transport.equals(ISER_IFACE)) {
            return ISER_IFACE;
        }
        if (transport.equals(DEFAULT_IFACE) || transport.equals("tcp")) {
            return DEFAULT_IFACE;
        }
        if (!IFACE_NAME.matcher(transport).matches()) {
            throw new InvalidInputException("transport", "is not an open-iscsi iface name (letters, digits, "
                    + "'_', '.', ':' and '-', at most 64 characters)");
        }
        return transport;
    }

    /**
     * CHAP under {@code <prefix>auth_*}: none when {@code auth_method} is absent, empty or {@code None} (os-brick only
     * configures CHAP for a truthy method); otherwise the method must be CHAP and the username and password are
     * required, the {@code *_in} pair (mutual CHAP) both or neither.
     */
    private static Optional<Chap> chap(ConnectionProperties properties, String prefix) {
        String methodKey = prefix + "auth_method";
        Optional<String> method = properties.string(methodKey).filter(text -> !text.isEmpty());
        if (method.isEmpty() || method.get().equalsIgnoreCase("None")) {
            return Optional.empty();
        }
        if (!method.get().equalsIgnoreCase("CHAP")) {
            throw new InvalidInputException(methodKey, "must be CHAP (or None)");
        }
        String username = username(properties, prefix + "auth_username");
        Secret password = password(properties, prefix + "auth_password");
        String usernameInKey = prefix + "auth_username_in";
        String passwordInKey = prefix + "auth_password_in";
        Optional<String> usernameIn = Optional.empty();
        Optional<Secret> passwordIn = Optional.empty();
        if (properties.has(usernameInKey) || properties.has(passwordInKey)) {
            usernameIn = Optional.of(username(properties, usernameInKey));
            passwordIn = Optional.of(password(properties, passwordInKey));
        }
        return Optional.of(new Chap("CHAP", username, password, usernameIn, passwordIn));
    }

    private static String username(ConnectionProperties properties, String key) {
        String value = properties.requiredString(key);
        checkCredential(value, key);
        return value;
    }

    private static Secret password(ConnectionProperties properties, String key) {
        Secret secret = properties.secret(key).orElseThrow(() -> missing(key));
        if (secret.isEmpty()) {
            throw new InvalidInputException(key, "is empty");
        }
        checkCredential(secret.reveal(), key);
        return secret;
    }

    /** Credentials end up in open-iscsi's line-based record files: no control characters, at most 255 bytes. */
    private static void checkCredential(String value, String key) {
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidInputException(key, "holds a control character (a line break, a tab, NUL, ...)");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_CREDENTIAL_BYTES) {
            throw new InvalidInputException(key, "is longer than " + MAX_CREDENTIAL_BYTES + " bytes");
        }
    }
}
