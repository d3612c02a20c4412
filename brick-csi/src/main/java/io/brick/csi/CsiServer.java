package io.brick.csi;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A gRPC server on a Unix domain socket (netty's bundled epoll, Linux on x86_64 and aarch64). A socket file left by
 * an earlier run is removed before binding; the socket is removed again on {@link #close}.
 */
public final class CsiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CsiServer.class);
    /** How long {@link #close} lets running RPCs finish before ending them. */
    private static final long GRACE_SECONDS = 5;

    private final CsiEndpoint endpoint;
    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    private CsiServer(CsiEndpoint endpoint, Server server, EventLoopGroup boss, EventLoopGroup workers) {
        this.endpoint = endpoint;
        this.server = server;
        this.boss = boss;
        this.workers = workers;
    }

    /**
     * Binds the endpoint and starts serving the services.
     *
     * @throws UncheckedIOException when the socket cannot be bound (the path is a directory, its parent is missing, ...)
     */
    public static CsiServer start(CsiEndpoint endpoint, List<BindableService> services) {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(services, "services is null");
        Path socket = endpoint.socket();
        removeStaleSocket(socket);
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(2);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers);
        services.forEach(builder::addService);
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw new UncheckedIOException("cannot serve on " + endpoint, e);
        }
        log.info("serving CSI on {}", endpoint);
        return new CsiServer(endpoint, server, boss, workers);
    }

    /** Where it serves. */
    public CsiEndpoint endpoint() {
        return endpoint;
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops taking calls, lets running ones finish for a few seconds, and removes the socket. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            boss.shutdownGracefully(0, GRACE_SECONDS, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, GRACE_SECONDS, TimeUnit.SECONDS);
            try {
                Files.deleteIfExists(endpoint.socket());
            } catch (IOException e) {
                log.warn("cannot remove the socket {}: {}", endpoint.socket(), e.toString());
            }
        }
        log.info("stopped serving CSI on {}", endpoint);
    }

    /** A socket file a killed plugin left: binding fails on it. Anything else at the path is not ours to remove. */
    private static void removeStaleSocket(Path socket) {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Object type = Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            // S_IFSOCK: the file-type bits 0140000
            if (!(type instanceof Integer mode) || (mode & 0170000) != 0140000) {
                throw new UncheckedIOException(new IOException(socket + " exists and is not a socket: not removed"));
            }
            Files.delete(socket);
            log.info("removed the stale socket {}", socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale socket " + socket, e);
        }
    }
}
