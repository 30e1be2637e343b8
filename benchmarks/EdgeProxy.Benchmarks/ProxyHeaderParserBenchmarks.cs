using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using EdgeProxy.Middleware.ProxyProtocol;

namespace EdgeProxy.Benchmarks;

/// <summary>
/// Parsing the PROXY header every connection behind a balancer starts with: v2 as AWS NLB sends it (IPv4, with a
/// vendor TLV), v2 IPv6 with authority and ALPN, and v1 lines. Target: no allocation.
/// </summary>
[MemoryDiagnoser]
public class ProxyHeaderParserBenchmarks
{
    private byte[] _header = [];

    [Params("v2-tcp4-aws-tlv", "v2-tcp6-authority-alpn", "v1-tcp4", "v1-tcp6")]
    public string Header { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _header = Header switch
    {
        "v2-tcp4-aws-tlv" => V2(0x11, [192, 0, 2, 10, 10, 0, 0, 5, 0xDC, 0x04, 0x01, 0xBB], Tlv(0xEA, [0x01, .. "vpce-08d2bf15fac5001c9"u8])),
        "v2-tcp6-authority-alpn" => V2(0x21, [.. new byte[] { 0x20, 0x01, 0x0d, 0xb8 }, .. new byte[11], 0x10, .. new byte[] { 0x20, 0x01, 0x0d, 0xb8 }, .. new byte[11], 0x02, 0x9C, 0x40, 0x01, 0xBB],
            [.. Tlv(0x01, "h2"u8.ToArray()), .. Tlv(0x02, "www.example.com"u8.ToArray())]),
        "v1-tcp4" => Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.10 10.0.0.5 56324 443\r\n"),
        _ => Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::10 2001:db8::2 40000 443\r\n"),
    };

    [Benchmark]
    public int Parse() => ProxyHeaderParser.Parse(_header, out var header) == ProxyHeaderStatus.Complete ? header.SourcePort : -1;

    private static byte[] V2(byte family, byte[] addresses, byte[] tlvs)
    {
        byte[] signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, family, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(signature.AsSpan(14), (ushort)(addresses.Length + tlvs.Length));
        return [.. signature, .. addresses, .. tlvs];
    }

    private static byte[] Tlv(byte type, byte[] value) => [type, (byte)(value.Length >> 8), (byte)value.Length, .. value];
}
