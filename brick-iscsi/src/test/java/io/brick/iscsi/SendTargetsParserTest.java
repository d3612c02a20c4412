package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.testkit.snapshot.Recordings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SendTargetsParserTest {
    private static final String DISCOVERY = "iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260 -o nonpersistent";
    private static final String TARGET = "iqn.2003-01.org.linux-iscsi.labvm:target1";

    @Test
    void readsTheSinglePortalTheOnePortalLabAdvertised() {
        assertThat(SendTargetsParser.parse(RecordedTree.of(Recordings.A_SINGLE_PORTAL_ONE_LUN).stdout(DISCOVERY)))
                .containsExactly(new PortalTarget(new TaggedPortal(new Portal("127.0.0.1", 3260), 1), TARGET));
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.B_TWO_PORTALS_ONE_LUN, Recordings.E_AFTER_DISCONNECT,
            Recordings.OSBRICK_ATTACHED, Recordings.OSBRICK_AFTER_DISCONNECT})
    void readsBothPortalsTheTwoPortalLabAdvertised(String recording) {
        assertThat(SendTargetsParser.parse(RecordedTree.of(recording).stdout(DISCOVERY))).containsExactly(
                new PortalTarget(new TaggedPortal(new Portal("127.0.0.1", 3260), 1), TARGET),
                new PortalTarget(new TaggedPortal(new Portal("127.0.0.2", 3260), 1), TARGET));
    }

    @Test
    void ignoresModuleLoadingNoiseAndReadsEveryTarget() {
        String stdout = """
                Loading iscsi modules: done
                10.15.84.19:3260,1 iqn.1992-08.com.netapp:sn.33615311
                10.15.85.19:3260,2 iqn.1992-08.com.netapp:sn.33615311
                172.168.101.36:3260,129 iqn.2099-01.cn.com.zte:usp.spr11-4c:09:b4:b0:55:91
                """;

        List<PortalTarget> targets = SendTargetsParser.parse(stdout);

        assertThat(targets).extracting(target -> target.portal().toString(), PortalTarget::targetName).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.15.84.19:3260,1", "iqn.1992-08.com.netapp:sn.33615311"),
                org.assertj.core.groups.Tuple.tuple("10.15.85.19:3260,2", "iqn.1992-08.com.netapp:sn.33615311"),
                org.assertj.core.groups.Tuple.tuple("172.168.101.36:3260,129",
                        "iqn.2099-01.cn.com.zte:usp.spr11-4c:09:b4:b0:55:91"));
    }

    @Test
    void acceptsEuiAndNaaNamesNotOnlyIqn() {
        String stdout = """
                10.0.0.1:3260,1 eui.02004567A425678D
                10.0.0.2:3260,1 naa.52004567BA64678D
                10.0.0.3:3260,1 IQN.2001-05.com.example:upper
                """;

        assertThat(SendTargetsParser.parse(stdout)).extracting(PortalTarget::targetName)
                .containsExactly("eui.02004567A425678D", "naa.52004567BA64678D", "IQN.2001-05.com.example:upper");
        assertThat(SendTargetsParser.parse(stdout).get(0).target()).isPresent();
    }

    @Test
    void skipsLinesThatAreNotPortalAndIscsiName() {
        String stdout = """
                iscsiadm: connect to 10.0.0.9 timed out
                10.0.0.1:3260,1 tgt2
                10.0.0.1:3260,1
                []:3260,1 iqn.2001-05.com.example:a
                [2001:db8::5]:3260,1 iqn.2001-05.com.example:v6
                10.0.0.1:3260,1 iqn.2001-05.com.example:b trailing
                """;

        assertThat(SendTargetsParser.parse(stdout)).containsExactly(
                new PortalTarget(new TaggedPortal(new Portal("2001:db8::5", 3260), 1), "iqn.2001-05.com.example:v6"));
    }

    @Test
    void emptyOutputHasNoTargets() {
        assertThat(SendTargetsParser.parse("")).isEmpty();
    }
}
