package dev.devassist.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

/**
 * A real DNS server over UDP on loopback, with answers the test sets: each name lists the
 * IPv4 addresses it was given, as a headless Service lists its pods, with a TTL of 0. A
 * name marked as failing answers SERVFAIL; any other name answers NXDOMAIN.
 */
final class TestDnsServer implements AutoCloseable {

	private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();

	private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final Channel channel;

	TestDnsServer() {
		this.channel = new Bootstrap().group(this.group)
			.channel(NioDatagramChannel.class)
			.handler(new ChannelInitializer<DatagramChannel>() {

				@Override
				protected void initChannel(DatagramChannel channel) {
					channel.pipeline()
						.addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answerer());
				}

			})
			.bind(new InetSocketAddress("127.0.0.1", 0))
			.syncUninterruptibly()
			.channel();
	}

	/**
	 * Where the server listens, as the proxy's {@code proxy.dns.name-servers} takes it.
	 * @return {@code 127.0.0.1:port}
	 */
	String address() {
		return "127.0.0.1:" + ((InetSocketAddress) this.channel.localAddress()).getPort();
	}

	/**
	 * Sets the addresses a name lists from now on, and stops it failing.
	 * @param name the name, without the trailing dot
	 * @param addresses IPv4 addresses such as {@code 127.0.0.2}
	 */
	void answer(String name, String... addresses) {
		this.records.put(name, Arrays.stream(addresses).map(TestDnsServer::address).toList());
		this.failing.remove(name);
	}

	/**
	 * Makes lookups of a name fail with SERVFAIL until it is answered again.
	 * @param name the name
	 */
	void fail(String name) {
		this.failing.put(name, true);
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(literal + " is not an address", ex);
		}
	}

	@Override
	public void close() {
		this.channel.close().syncUninterruptibly();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {

		@Override
		protected void channelRead0(ChannelHandlerContext context, DatagramDnsQuery query) {
			DnsQuestion question = query.recordAt(DnsSection.QUESTION);
			String name = question.name().endsWith(".") ? question.name().substring(0, question.name().length() - 1)
					: question.name();
			DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
			response.addRecord(DnsSection.QUESTION, question);
			List<InetAddress> addresses = TestDnsServer.this.records.get(name);
			if (TestDnsServer.this.failing.containsKey(name)) {
				response.setCode(DnsResponseCode.SERVFAIL);
			}
			else if (addresses == null) {
				response.setCode(DnsResponseCode.NXDOMAIN);
			}
			else if (question.type() == DnsRecordType.A) {
				for (InetAddress address : addresses) {
					response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A, 0,
							Unpooled.wrappedBuffer(address.getAddress())));
				}
			}
			context.writeAndFlush(response);
		}

	}

}
