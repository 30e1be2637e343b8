using System.Net.Sockets;
using System.Text.Json;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Cloudflare;

/// <summary>Parses a source's body; any entry that is not a CIDR of the right family rejects the whole answer.</summary>
internal static class CloudflareRangeParser
{
    public sealed record Parsed(IReadOnlyList<IPNetwork2> Ranges, string? ApiEtag);

    public static Parsed Parse(CloudflareSource source, string body, out RangeRejection? rejection) =>
        source.IsJsonApi ? ParseJsonApi(source, body, out rejection) : ParseTextList(source, body, out rejection);

    public static Parsed ParseTextList(CloudflareSource source, string body, out RangeRejection? rejection)
    {
        var lines = body.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var ranges = new List<IPNetwork2>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!TryParseEntry(source, lines[i], source.Family, $"entry {i + 1}", ranges, out rejection))
            {
                return Empty;
            }
        }

        rejection = ranges.Count == 0 ? new RangeRejection(RangeRejection.Empty, $"{source}: the list is empty") : null;
        return new Parsed(ranges, null);
    }

    public static Parsed ParseJsonApi(CloudflareSource source, string body, out RangeRejection? rejection)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("success", out var success) ||
                success.ValueKind != JsonValueKind.True || !root.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Object)
            {
                rejection = new RangeRejection(RangeRejection.Parse, $"{source}: not a successful Cloudflare API answer (\"success\": true with a \"result\" object)");
                return Empty;
            }

            var ranges = new List<IPNetwork2>();
            foreach (var (property, family) in new[] { ("ipv4_cidrs", AddressFamily.InterNetwork), ("ipv6_cidrs", AddressFamily.InterNetworkV6) })
            {
                if (!result.TryGetProperty(property, out var list) || list.ValueKind != JsonValueKind.Array)
                {
                    rejection = new RangeRejection(RangeRejection.Parse, $"{source}: result.{property} is missing or not an array");
                    return Empty;
                }

                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    if (!TryParseEntry(source, item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText(), family, $"result.{property}[{index++}]", ranges, out rejection))
                    {
                        return Empty;
                    }
                }
            }

            var etag = result.TryGetProperty("etag", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            rejection = ranges.Count == 0 ? new RangeRejection(RangeRejection.Empty, $"{source}: the API lists no ranges") : null;
            return new Parsed(ranges, etag);
        }
        catch (JsonException ex)
        {
            rejection = new RangeRejection(RangeRejection.Parse, $"{source}: invalid JSON: {ex.Message}");
            return Empty;
        }
    }

    private static bool TryParseEntry(CloudflareSource source, string? text, AddressFamily? family, string where, List<IPNetwork2> ranges, out RangeRejection? rejection)
    {
        if (CidrParser.TryParse(text, family, out var network, out var error))
        {
            ranges.Add(network);
            rejection = null;
            return true;
        }

        var wrongFamily = family is not null && CidrParser.TryParse(text, null, out _, out _);
        rejection = new RangeRejection(wrongFamily ? RangeRejection.Family : RangeRejection.Parse, $"{source}: {where}: {error}");
        return false;
    }

    private static readonly Parsed Empty = new([], null);
}
