package io.brick.csi;

import csi.v1.GetPluginInfoRequest;
import csi.v1.IdentityGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server on its socket: a stale socket file is replaced, anything else at the path is left alone. */
class CsiServerTest {
    @TempDir
    Path dir;

    @Test
    void a_socket_left_by_a_killed_plugin_is_removed_and_the_server_answers_on_a_fresh_one() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        IdentityService identity = new IdentityService("io.brick.csi", "1.0", Map.of(), () -> true);
        EpollEventLoopGroup loop = new EpollEventLoopGroup(1);

        try (CsiServer server = CsiServer.start(new CsiEndpoint(socket), List.of(identity))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build();
            try {
                assertThat(IdentityGrpc.newBlockingStub(channel).getPluginInfo(GetPluginInfoRequest.getDefaultInstance())
                        .getName()).isEqualTo("io.brick.csi");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
        assertThat(socket).as("removed on close").doesNotExist();
    }

    @Test
    void a_regular_file_at_the_socket_path_is_not_removed() throws Exception {
        Path file = Files.writeString(dir.resolve("csi.sock"), "not a socket");

        assertThatThrownBy(() -> CsiServer.start(new CsiEndpoint(file), List.of()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("not a socket");
        assertThat(Files.readString(file)).isEqualTo("not a socket");
    }
}
