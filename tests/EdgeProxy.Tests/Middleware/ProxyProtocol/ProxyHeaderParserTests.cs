using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeProxy.Middleware.ProxyProtocol;
using static EdgeProxy.Tests.Middleware.ProxyProtocol.ProxyHeaderBytes;

namespace EdgeProxy.Tests.Middleware.ProxyProtocol;

/// <summary>
/// The PROXY header corpus: valid v1 and v2 headers (each also cut before every one of its bytes, which must ask for
/// more and never decide early), and invalid ones, each refused for its reason.
/// </summary>
public sealed class ProxyHeaderParserTests
{
    private static readonly IPEndPoint ClientV4 = IPEndPoint.Parse("192.0.2.10:56324");
    private static readonly IPEndPoint ServerV4 = IPEndPoint.Parse("198.51.100.2:443");
    private static readonly IPEndPoint ClientV6 = IPEndPoint.Parse("[2001:db8::10]:40000");
    private static readonly IPEndPoint ServerV6 = IPEndPoint.Parse("[2001:db8::2]:8443");

    // The longest line the specification allows: exactly 107 bytes.
    private const string LongestV1 = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";

    public static TheoryData<string, byte[]> ValidHeaders() => new()
    {
        { "v1 tcp4", V1("PROXY TCP4 192.0.2.10 198.51.100.2 56324 443\r\n") },
        { "v1 tcp6", V1("PROXY TCP6 2001:db8::10 2001:db8::2 40000 8443\r\n") },
        { "v1 tcp6 mapped", V1("PROXY TCP6 ::ffff:192.0.2.10 ::ffff:198.51.100.2 56324 443\r\n") },
        { "v1 unknown", V1("PROXY UNKNOWN\r\n") },
        { "v1 longest", V1(LongestV1) },
        { "v2 tcp4", V2Tcp(ClientV4, ServerV4) },
        { "v2 tcp6", V2Tcp(ClientV6, ServerV6) },
        { "v2 local", V2Local() },
        { "v2 tlvs", V2Tcp(ClientV4, ServerV4, Tlv(0x01, "h2"u8.ToArray()), Tlv(0x02, "www.example.com"u8.ToArray()), Tlv(0x04, new byte[5]), Tlv(0xEA, new byte[40])) },
    };

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void A_valid_header_is_complete_only_with_its_last_byte(string name, byte[] header)
    {
        for (var cut = 0; cut < header.Length; cut++)
        {
            Assert.True(ProxyHeaderStatus.Incomplete == ProxyHeaderParser.Parse(header.AsSpan(0, cut), out _), $"{name}: {cut} of {header.Length} bytes");
        }

        // What follows the header (the client's TLS ClientHello) is not the header's.
        var withClientBytes = Concat(header, [0x16, 0x03, 0x01, 0x02, 0x00]);
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(withClientBytes, out var parsed));
        Assert.Equal(header.Length, parsed.Length);
    }

    [Fact]
    public void V1_tcp4_gives_the_client_and_the_server_side()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V1("PROXY TCP4 192.0.2.10 198.51.100.2 56324 443\r\n"), out var header));

        Assert.Equal(1, header.Version);
        Assert.False(header.IsLocal);
        Assert.Equal(AddressFamily.InterNetwork, header.Family);
        Assert.Equal(ClientV4, header.Source);
        Assert.Equal(ServerV4, header.Destination);
    }

    [Fact]
    public void V1_tcp6_gives_ipv6_endpoints()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V1("PROXY TCP6 2001:db8::10 2001:db8::2 40000 8443\r\n"), out var header));

        Assert.Equal(ClientV6, header.Source);
        Assert.Equal(ServerV6, header.Destination);
    }

    [Theory]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("1::", "1::")]
    [InlineData("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8")]
    [InlineData("1:2:3:4:5:6::8", "1:2:3:4:5:6:0:8")]
    [InlineData("1::8", "1::8")]
    [InlineData("FE80::ABCD", "fe80::abcd")]
    [InlineData("64:ff9b::192.0.2.33", "64:ff9b::c000:221")]
    [InlineData("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304")]
    public void V1_ipv6_text_forms_are_read_as_rfc_4291_writes_them(string text, string expected)
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V1($"PROXY TCP6 {text} ::1 1 2\r\n"), out var header));

        Assert.Equal(IPAddress.Parse(expected), header.Source!.Address);
    }

    [Fact]
    public void An_ipv4_mapped_source_is_normalised_to_ipv4_in_both_versions()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V1("PROXY TCP6 ::ffff:192.0.2.10 ::ffff:198.51.100.2 56324 443\r\n"), out var v1));
        var mapped = new IPEndPoint(ClientV4.Address.MapToIPv6(), ClientV4.Port);
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V2Tcp(mapped, new IPEndPoint(ServerV4.Address.MapToIPv6(), 443)), out var v2));

        foreach (var header in new[] { v1, v2 })
        {
            Assert.Equal(AddressFamily.InterNetwork, header.Family);
            Assert.Equal(ClientV4, header.Source);
            Assert.Equal(ServerV4, header.Destination);
        }
    }

    [Fact]
    public void V1_unknown_keeps_the_balancer_address_and_ignores_the_rest_of_its_line()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V1(LongestV1), out var header));

        Assert.Equal(107, header.Length);
        Assert.False(header.HasAddresses);
        Assert.Null(header.Source);
    }

    [Fact]
    public void V2_tcp4_and_tcp6_give_their_endpoints()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V2Tcp(ClientV4, ServerV4), out var v4));
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V2Tcp(ClientV6, ServerV6), out var v6));

        Assert.Equal((2, 28, ClientV4, ServerV4), (v4.Version, v4.Length, v4.Source, v4.Destination));
        Assert.Equal((2, 52, ClientV6, ServerV6), (v6.Version, v6.Length, v6.Source, v6.Destination));
        Assert.Equal(AddressFamily.InterNetworkV6, v6.Family);
    }

    [Fact]
    public void V2_local_carries_no_address_whatever_its_block_holds()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V2Local(), out var bare));
        // LOCAL with an address block (some senders fill it): discarded, as the specification says.
        var withBlock = V2Tcp(ClientV4, ServerV4);
        withBlock[12] = 0x20;
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(withBlock, out var filled));

        foreach (var header in new[] { bare, filled })
        {
            Assert.True(header.IsLocal);
            Assert.False(header.HasAddresses);
            Assert.Null(header.Source);
        }

        Assert.Equal(28, filled.Length);
    }

    [Theory]
    [InlineData(0x00, 0)] // AF_UNSPEC
    [InlineData(0x31, 216)] // AF_UNIX stream
    public void V2_proxy_without_an_internet_address_keeps_the_balancer_address(byte family, int blockLength)
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V2(0x21, family, new byte[blockLength]), out var header));

        Assert.False(header.IsLocal);
        Assert.False(header.HasAddresses);
        Assert.Null(header.Source);
    }

    [Fact]
    public void V2_authority_and_alpn_are_found_and_other_tlvs_skipped()
    {
        var bytes = V2Tcp(ClientV4, ServerV4, Tlv(0x04, [0, 0]), Tlv(0x02, "api.example.com"u8.ToArray()), Tlv(0x20, new byte[9]), Tlv(0x01, "h2"u8.ToArray()), Tlv(0x03, new byte[4]));

        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(bytes, out var header));

        Assert.Equal("api.example.com", Encoding.ASCII.GetString(bytes.AsSpan(header.AuthorityRange.Start, header.AuthorityRange.Length)));
        Assert.Equal("h2", Encoding.ASCII.GetString(bytes.AsSpan(header.AlpnRange.Start, header.AlpnRange.Length)));
        Assert.Equal(ClientV4, header.Source);
    }

    [Fact]
    public void V2_with_one_mapped_and_one_native_ipv6_address_keeps_both_whole()
    {
        var mapped = IPEndPoint.Parse("[::ffff:192.0.2.10]:56324");
        var native = IPEndPoint.Parse("[2001:db8::1:c633:6402]:443");

        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V2Tcp(mapped, native), out var header));

        Assert.Equal(AddressFamily.InterNetworkV6, header.Family);
        Assert.Equal(mapped, header.Source);
        Assert.Equal(native, header.Destination);
    }

    [Fact]
    public void V2_without_tlvs_has_no_authority_and_no_alpn()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(V2Tcp(ClientV4, ServerV4), out var header));

        Assert.Equal(0, header.AuthorityRange.Length);
        Assert.Equal(0, header.AlpnRange.Length);
    }

    public static TheoryData<string, byte[]> NotProxy() => new()
    {
        { "http", V1("GET / HTTP/1.1\r\nHost: a\r\n\r\n") },
        { "tls client hello", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01] },
        { "one wrong byte", V1("PROXX TCP4") },
        { "lower case", V1("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n") },
        { "v2 signature broken", [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x55] },
        { "http/2 preface", V1("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") },
    };

    [Theory]
    [MemberData(nameof(NotProxy))]
    public void Bytes_without_a_signature_are_missing_as_soon_as_they_differ(string name, byte[] bytes)
    {
        Assert.True(ProxyHeaderStatus.Missing == ProxyHeaderParser.Parse(bytes, out _), name);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 56324 443\n")] // LF without CR
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 56324 443\r\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10  198.51.100.2 56324 443\r\n")] // two spaces
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 56324\r\n")] // a field missing
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 56324 443 1\r\n")] // one too many
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 56324 443 \r\n")]
    [InlineData("PROXY TCP5 192.0.2.10 198.51.100.2 56324 443\r\n")]
    [InlineData("PROXY tcp4 192.0.2.10 198.51.100.2 56324 443\r\n")]
    [InlineData("PROXY UNKNOWNX\r\n")]
    [InlineData("PROXY \r\n")]
    [InlineData("PROXY TCP4 2001:db8::1 198.51.100.2 56324 443\r\n")] // IPv6 under TCP4
    [InlineData("PROXY TCP6 192.0.2.10 2001:db8::2 56324 443\r\n")] // IPv4 under TCP6
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 65536 443\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 080 443\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 -1 443\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2  443\r\n")]
    [InlineData("PROXY TCP4 192.0.2.256 198.51.100.2 1 443\r\n")]
    [InlineData("PROXY TCP4 192.0.2.010 198.51.100.2 1 443\r\n")] // octal-looking
    [InlineData("PROXY TCP4 192.0.2 198.51.100.2 1 443\r\n")]
    [InlineData("PROXY TCP4 192.0.2.1.5 198.51.100.2 1 443\r\n")]
    [InlineData("PROXY TCP4 0x7f.0.0.1 198.51.100.2 1 443\r\n")]
    [InlineData("PROXY TCP6 fe80::1%eth0 ::1 1 443\r\n")] // a zone
    [InlineData("PROXY TCP6 1::2::3 ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7 ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 12345::1 ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 :1 ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 1: ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7:1.2.3.4 ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 [::1] ::1 1 443\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.2 1 4\u00e93\r\n")] // not ASCII
    [InlineData("PROXY TCP4 192.0.2.10\0198.51.100.2 1 443\r\n")]
    public void Malformed_v1_lines_are_refused(string line)
    {
        Assert.Equal(ProxyHeaderStatus.Malformed, ProxyHeaderParser.Parse(Encoding.Latin1.GetBytes(line), out _));
    }

    [Fact]
    public void A_control_byte_refuses_a_v1_line_before_its_end_arrives()
    {
        Assert.Equal(ProxyHeaderStatus.Malformed, ProxyHeaderParser.Parse(V1("PROXY TCP4 1.2.3.4\t"), out _));
        Assert.Equal(ProxyHeaderStatus.Incomplete, ProxyHeaderParser.Parse(V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"), out _));
    }

    [Fact]
    public void A_v1_line_without_its_end_within_107_bytes_is_oversized()
    {
        var line = "PROXY UNKNOWN " + new string('a', 200);

        Assert.Equal(ProxyHeaderStatus.Incomplete, ProxyHeaderParser.Parse(V1(line[..106]), out _));
        Assert.Equal(ProxyHeaderStatus.Oversized, ProxyHeaderParser.Parse(V1(line[..107]), out _));
        Assert.Equal(ProxyHeaderStatus.Oversized, ProxyHeaderParser.Parse(V1(line), out _));
        // 108 bytes with CRLF: its end is past the bound.
        Assert.Equal(ProxyHeaderStatus.Oversized, ProxyHeaderParser.Parse(V1(LongestV1.Insert(14, "f")), out _));
    }

    public static TheoryData<string, byte[]> MalformedV2() => new()
    {
        { "version 1 nibble", V2(0x11, 0x11, new byte[12]) },
        { "version 3", V2(0x31, 0x11, new byte[12]) },
        { "version 0, before the rest arrived", [.. V2Signature, 0x01] },
        { "command 2", V2(0x22, 0x11, new byte[12]) },
        { "command 15", V2(0x2F, 0x11, new byte[12]) },
        { "udp over ipv4", V2(0x21, 0x12, new byte[12]) },
        { "udp over ipv6", V2(0x21, 0x22, new byte[36]) },
        { "unix datagram", V2(0x21, 0x32, new byte[216]) },
        { "family 4", V2(0x21, 0x41, new byte[12]) },
        { "inet, transport unspecified", V2(0x21, 0x10, new byte[12]) },
        { "ipv4 block too short", V2(0x21, 0x11, new byte[11]) },
        { "ipv6 block too short", V2(0x21, 0x21, new byte[35]) },
        { "unix block too short", V2(0x21, 0x31, new byte[215]) },
        { "tlv header cut", V2(0x21, 0x11, [.. new byte[12], 0x01, 0x00]) },
        { "tlv value past the end", V2(0x21, 0x11, [.. new byte[12], 0x01, 0x00, 0x03, (byte)'h', (byte)'2']) },
        { "authority with a space", V2Tcp(ClientV4, ServerV4, Tlv(0x02, "a b"u8.ToArray())) },
        { "authority with a control byte", V2Tcp(ClientV4, ServerV4, Tlv(0x02, "a\nb"u8.ToArray())) },
        { "authority over 255 bytes", V2Tcp(ClientV4, ServerV4, Tlv(0x02, Encoding.ASCII.GetBytes(new string('a', 256)))) },
        { "alpn with a control byte", V2Tcp(ClientV4, ServerV4, Tlv(0x01, "h2\n{"u8.ToArray())) },
        { "alpn over 255 bytes", V2Tcp(ClientV4, ServerV4, Tlv(0x01, Encoding.ASCII.GetBytes(new string('h', 256)))) },
    };

    [Theory]
    [MemberData(nameof(MalformedV2))]
    public void Malformed_v2_headers_are_refused(string name, byte[] bytes)
    {
        Assert.True(ProxyHeaderStatus.Malformed == ProxyHeaderParser.Parse(bytes, out _), name);
    }

    [Fact]
    public void A_v2_length_over_the_bound_is_oversized_before_its_bytes_arrive()
    {
        var fixedPart = V2(0x21, 0x11, [], declaredLength: ProxyHeaderParser.MaxV2PayloadLength + 1);
        var atBound = V2(0x21, 0x11, [.. new byte[12], .. Tlv(0xE0, new byte[ProxyHeaderParser.MaxV2PayloadLength - 15])]);

        Assert.Equal(ProxyHeaderStatus.Oversized, ProxyHeaderParser.Parse(fixedPart, out _));
        Assert.Equal(ProxyHeaderStatus.Oversized, ProxyHeaderParser.Parse(V2(0x21, 0x11, [], declaredLength: 65535), out _));
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(atBound, out var header));
        Assert.Equal(16 + ProxyHeaderParser.MaxV2PayloadLength, header.Length);
    }
}
