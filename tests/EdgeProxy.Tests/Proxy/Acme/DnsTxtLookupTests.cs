using EdgeProxy.Acme;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>The TXT answer parser of the DNS-01 propagation check, on hand-made answers.</summary>
public sealed class DnsTxtLookupTests
{
    private static byte[] Answer(params string[][] records)
    {
        var query = DnsTxtLookup.Query(0x1234, "_acme-challenge.example.net");
        var message = new List<byte>(query);
        message[2] = 0x81;
        message[3] = 0x80;
        message[7] = (byte)records.Length;
        foreach (var strings in records)
        {
            var data = strings.SelectMany(s => new[] { (byte)s.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(s))).ToArray();
            message.AddRange([0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, (byte)(data.Length >> 8), (byte)data.Length]);
            message.AddRange(data);
        }

        return [.. message];
    }

    [Fact]
    public void Every_txt_record_is_read_with_its_strings_joined() =>
        Assert.Equal(["abc", "defghi"], DnsTxtLookup.Parse(Answer(["abc"], ["def", "ghi"])));

    [Fact]
    public void A_truncated_answer_gives_what_was_complete_and_throws_nothing()
    {
        var whole = Answer(["abc"], ["def"]);
        for (var length = 12; length < whole.Length; length++)
        {
            Assert.True(DnsTxtLookup.Parse(whole[..length]).Count <= 1);
        }
    }

    [Fact]
    public void The_resolvers_default_to_port_53()
    {
        Assert.Equal("1.1.1.1:53", DnsTxtLookup.Resolvers(["1.1.1.1"]).Single().ToString());
        Assert.Equal("127.0.0.1:5353", DnsTxtLookup.Resolvers(["127.0.0.1:5353"]).Single().ToString());
        Assert.Equal("[::1]:53", DnsTxtLookup.Resolvers(["::1"]).Single().ToString());
    }
}
