using System.Buffers;
using System.Text;
using EdgeProxy.AccessLog;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>The syslog framing against the examples of RFC 5424 (section 6.5), RFC 3164 (5.4) and RFC 6587 (3.4.1).</summary>
public sealed class SyslogFramingTests
{
    private static string Header(SyslogFormat format, int facility, int severity, string host, string app, int pid, string msgId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SyslogFraming.WriteHeader(buffer, format, SyslogFraming.Priority(facility, severity), new DateTimeOffset(2003, 10, 11, 22, 14, 15, 3, TimeSpan.Zero), host, app, pid, msgId);
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Rfc5424_header_matches_the_rfcs_first_example()
    {
        // RFC 5424 6.5 example 1: <34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed…
        // (facility 4 auth, severity 2 critical; our PROCID is the process id).
        var header = Header(SyslogFormat.Rfc5424, SyslogOptions.FacilityCode("auth"), SyslogFraming.Critical, "mymachine.example.com", "su", 4242, "ID47");

        Assert.Equal("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su 4242 ID47 - ", header);
        var parsed = Rfc5424Message.Parse(header + "'su root' failed for lonvick on /dev/pts/8");
        Assert.Equal(4, parsed.Facility);
        Assert.Equal(2, parsed.Severity);
    }

    [Theory]
    [InlineData("local0", 6, 134)]
    [InlineData("local7", 6, 190)]
    [InlineData("kern", 0, 0)]
    [InlineData("daemon", 4, 28)]
    [InlineData("20", 3, 163)]
    public void Pri_is_facility_times_eight_plus_severity(string facility, int severity, int pri) =>
        Assert.Equal(pri, SyslogFraming.Priority(SyslogOptions.FacilityCode(facility), severity));

    [Theory]
    [InlineData("local8")]
    [InlineData("24")]
    [InlineData("")]
    public void Unknown_facilities_are_refused(string facility) => Assert.Equal(-1, SyslogOptions.FacilityCode(facility));

    [Fact]
    public void Rfc3164_header_matches_the_rfcs_example_with_the_pid_in_the_tag()
    {
        // RFC 3164 5.4: <34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8
        Assert.Equal("<34>Oct 11 22:14:15 mymachine su[7]: ", Header(SyslogFormat.Rfc3164, 4, 2, "mymachine", "su", 7, "-"));
    }

    [Fact]
    public void Rfc3164_pads_single_digit_days_with_a_space()
    {
        var buffer = new ArrayBufferWriter<byte>();
        SyslogFraming.WriteHeader(buffer, SyslogFormat.Rfc3164, 134, new DateTimeOffset(2026, 2, 5, 1, 2, 3, TimeSpan.Zero), "h", "edgeproxy", 1, "access");
        Assert.Equal("<134>Feb  5 01:02:03 h edgeproxy[1]: ", Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Octet_counting_prefixes_the_byte_length_and_a_space()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var message = Encoding.UTF8.GetBytes("<134>1 - - - - - - é");
        SyslogFraming.WriteOctetCounted(buffer, message);
        Assert.Equal($"{message.Length} <134>1 - - - - - - é", Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(21, message.Length); // é is two bytes: the count is in octets, not characters
    }

    [Theory]
    [InlineData("udp://127.0.0.1:514", true)]
    [InlineData("tcp://graylog.example:1514", true)]
    [InlineData("tls://graylog.example:6514", true)]
    [InlineData("http://graylog.example:514", false)]
    [InlineData("udp://127.0.0.1", false)]
    [InlineData("127.0.0.1:514", false)]
    [InlineData("tcp://host:514/path", false)]
    public void Addresses_are_udp_tcp_or_tls_with_a_port(string address, bool valid) =>
        Assert.Equal(valid, SyslogOptions.TryParseAddress(address, out _, out _, out _));
}
