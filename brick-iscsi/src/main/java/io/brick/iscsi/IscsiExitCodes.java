package io.brick.iscsi;

import java.util.Locale;
import java.util.Map;

import static java.util.Map.entry;

/**
 * The exit codes of open-iscsi's tools ({@code ISCSI_ERR_*} of open-iscsi's {@code include/iscsi_err.h}), with
 * their names and what they mean, for log lines and error messages.
 */
final class IscsiExitCodes {
    static final int SUCCESS = 0;
    static final int ERR = 1;
    static final int SESS_NOT_FOUND = 2;
    static final int NOMEM = 3;
    static final int TRANS = 4;
    static final int LOGIN = 5;
    static final int IDBM = 6;
    static final int INVAL = 7;
    static final int TRANS_TIMEOUT = 8;
    static final int INTERNAL = 9;
    static final int LOGOUT = 10;
    static final int PDU_TIMEOUT = 11;
    static final int TRANS_NOT_FOUND = 12;
    static final int ACCESS = 13;
    static final int TRANS_CAPS = 14;
    static final int SESS_EXISTS = 15;
    static final int INVALID_MGMT_REQ = 16;
    static final int ISNS_UNAVAILABLE = 17;
    static final int ISCSID_COMM_ERR = 18;
    static final int FATAL_LOGIN = 19;
    static final int ISCSID_NOTCONN = 20;
    static final int NO_OBJS_FOUND = 21;
    static final int SYSFS_LOOKUP = 22;
    static final int HOST_NOT_FOUND = 23;
    static final int LOGIN_AUTH_FAILED = 24;
    static final int ISNS_QUERY = 25;
    static final int ISNS_REG_FAILED = 26;
    static final int OP_NOT_SUPP = 27;
    static final int BUSY = 28;
    static final int AGAIN = 29;
    static final int UNKNOWN_DISCOVERY_TYPE = 30;
    static final int CHILD_TERMINATED = 31;
    /** What iscsiadm before 2.0-871 exited with when nothing was found (a -1 that became 255). */
    static final int LEGACY_NOT_FOUND = 255;

    private record Code(String name, String meaning) {
    }

    private static final Map<Integer, Code> CODES = Map.ofEntries(
            entry(SUCCESS, new Code("ISCSI_SUCCESS", "success")),
            entry(ERR, new Code("ISCSI_ERR", "generic error")),
            entry(SESS_NOT_FOUND, new Code("ISCSI_ERR_SESS_NOT_FOUND", "session not found")),
            entry(NOMEM, new Code("ISCSI_ERR_NOMEM", "could not allocate a resource for the operation")),
            entry(TRANS, new Code("ISCSI_ERR_TRANS", "a transport error made the operation fail")),
            entry(LOGIN, new Code("ISCSI_ERR_LOGIN", "login failed")),
            entry(IDBM, new Code("ISCSI_ERR_IDBM", "error accessing or managing the iSCSI database (record not found)")),
            entry(INVAL, new Code("ISCSI_ERR_INVAL", "invalid argument")),
            entry(TRANS_TIMEOUT, new Code("ISCSI_ERR_TRANS_TIMEOUT", "the connection timer expired while connecting")),
            entry(INTERNAL, new Code("ISCSI_ERR_INTERNAL", "internal iscsid failure")),
            entry(LOGOUT, new Code("ISCSI_ERR_LOGOUT", "logout failed")),
            entry(PDU_TIMEOUT, new Code("ISCSI_ERR_PDU_TIMEOUT", "an iSCSI PDU timed out")),
            entry(TRANS_NOT_FOUND, new Code("ISCSI_ERR_TRANS_NOT_FOUND",
                    "the iSCSI transport module is not loaded in the kernel or iscsid")),
            entry(ACCESS, new Code("ISCSI_ERR_ACCESS", "permission denied")),
            entry(TRANS_CAPS, new Code("ISCSI_ERR_TRANS_CAPS", "the transport module does not support the operation")),
            entry(SESS_EXISTS, new Code("ISCSI_ERR_SESS_EXISTS", "the session is already logged in")),
            entry(INVALID_MGMT_REQ, new Code("ISCSI_ERR_INVALID_MGMT_REQ", "invalid IPC management request")),
            entry(ISNS_UNAVAILABLE, new Code("ISCSI_ERR_ISNS_UNAVAILABLE", "the iSNS service is not supported")),
            entry(ISCSID_COMM_ERR, new Code("ISCSI_ERR_ISCSID_COMM_ERR", "a read or write to iscsid failed")),
            entry(FATAL_LOGIN, new Code("ISCSI_ERR_FATAL_LOGIN", "fatal login error")),
            entry(ISCSID_NOTCONN, new Code("ISCSI_ERR_ISCSID_NOTCONN", "could not connect to iscsid")),
            entry(NO_OBJS_FOUND, new Code("ISCSI_ERR_NO_OBJS_FOUND",
                    "no records, targets, sessions or portals found to operate on")),
            entry(SYSFS_LOOKUP, new Code("ISCSI_ERR_SYSFS_LOOKUP", "could not look the object up in sysfs")),
            entry(HOST_NOT_FOUND, new Code("ISCSI_ERR_HOST_NOT_FOUND", "could not look the host up")),
            entry(LOGIN_AUTH_FAILED, new Code("ISCSI_ERR_LOGIN_AUTH_FAILED", "login failed: authorization failure")),
            entry(ISNS_QUERY, new Code("ISCSI_ERR_ISNS_QUERY", "iSNS query failed")),
            entry(ISNS_REG_FAILED, new Code("ISCSI_ERR_ISNS_REG_FAILED", "iSNS registration or deregistration failed")),
            entry(OP_NOT_SUPP, new Code("ISCSI_ERR_OP_NOT_SUPP", "operation not supported")),
            entry(BUSY, new Code("ISCSI_ERR_BUSY", "device or resource in use")),
            entry(AGAIN, new Code("ISCSI_ERR_AGAIN", "the operation failed, but retrying may succeed")),
            entry(UNKNOWN_DISCOVERY_TYPE, new Code("ISCSI_ERR_UNKNOWN_DISCOVERY_TYPE", "unknown discovery type")),
            entry(CHILD_TERMINATED, new Code("ISCSI_ERR_CHILD_TERMINATED", "a child process terminated")),
            entry(LEGACY_NOT_FOUND, new Code("legacy not found",
                    "nothing found (iscsiadm before 2.0-871 exited with 255 where later versions exit with 21)")));

    private IscsiExitCodes() {
    }

    /** The code's name ({@code ISCSI_ERR_NO_OBJS_FOUND}); {@code exit code N} for a code open-iscsi does not define. */
    static String name(int exitCode) {
        Code code = CODES.get(exitCode);
        return code == null ? "exit code " + exitCode : code.name();
    }

    /** {@code 21 (ISCSI_ERR_NO_OBJS_FOUND: no records, ...)}, or a note that open-iscsi does not define the code. */
    static String describe(int exitCode) {
        Code code = CODES.get(exitCode);
        if (code == null) {
            return String.format(Locale.ROOT, "%d (not an open-iscsi exit code)", exitCode);
        }
        return String.format(Locale.ROOT, "%d (%s: %s)", exitCode, code.name(), code.meaning());
    }

    /** Whether the code says there was nothing to act on: 21, or 255 from iscsiadm before 2.0-871. */
    static boolean nothingFound(int exitCode) {
        return exitCode == NO_OBJS_FOUND || exitCode == LEGACY_NOT_FOUND;
    }
}
