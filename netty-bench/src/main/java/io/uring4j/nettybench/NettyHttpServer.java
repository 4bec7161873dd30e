package io.uring4j.nettybench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The Netty peer of uring4j's HTTP demo: the same fixed response ("Hello, World!", text/plain,
 * keep-alive), written as Netty's own hello-world examples do (HttpServerCodec, flush on read
 * complete). Usage: {@code --transport epoll|io_uring|nio --port N --threads T}.
 */
public final class NettyHttpServer {
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        String transport = "epoll";
        int port = 8081, threads = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--transport" -> transport = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channel;
        switch (transport) {
            case "epoll" -> {
                Epoll.ensureAvailability();
                factory = EpollIoHandler.newFactory();
                channel = EpollServerSocketChannel.class;
            }
            case "io_uring" -> {
                IoUring.ensureAvailability();
                factory = IoUringIoHandler.newFactory();
                channel = IoUringServerSocketChannel.class;
            }
            case "nio" -> {
                factory = NioIoHandler.newFactory();
                channel = NioServerSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("transport must be epoll, io_uring or nio: " + transport);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, factory);
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new HttpServerCodec(), new Hello());
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            System.out.println("netty " + transport + " listening on 127.0.0.1:" + port + " threads=" + threads);
            System.out.flush();
            ch.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    static final class Hello extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HttpRequest req)) return;
            ByteBuf content = Unpooled.wrappedBuffer(BODY);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            if (HttpUtil.isKeepAlive(req)) ctx.write(res);
            else ctx.write(res).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
