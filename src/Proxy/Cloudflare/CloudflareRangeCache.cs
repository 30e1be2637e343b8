using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Cloudflare;

/// <summary>The last accepted list on disk, written atomically (temp file + rename) and fully validated when read back.</summary>
internal sealed partial class CloudflareRangeCache(string path)
{
    private sealed record CacheFile(DateTimeOffset ConfirmedAt, List<SourceAnswer> Sources);

    // Source-generated, so the native (AOT) build reads and writes the cache without reflection.
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
    [JsonSerializable(typeof(CacheFile))]
    private sealed partial class CacheJson : JsonSerializerContext;

    public string Path { get; } = path;

    /// <summary>The cached list, or null with the reason when there is none or it is unusable.</summary>
    public CloudflareRangeList? TryLoad(out string? problem)
    {
        if (!File.Exists(Path))
        {
            problem = null;
            return null;
        }

        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(Path), CacheJson.Default.CacheFile);
            if (file?.Sources is not { Count: > 0 } sources)
            {
                problem = $"{Path}: no sources in the cache file";
                return null;
            }

            var ranges = new List<IPNetwork2>();
            foreach (var text in sources.SelectMany(s => s.Ranges ?? []))
            {
                if (!CidrParser.TryParse(text, null, out var network, out var error))
                {
                    problem = $"{Path}: {error}";
                    return null;
                }

                ranges.Add(network);
            }

            problem = ranges.Count == 0 ? $"{Path}: the cached list is empty" : null;
            return ranges.Count == 0 ? null : new CloudflareRangeList(RangeOrigin.Cache, ranges, sources, file.ConfirmedAt);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            problem = $"{Path}: {ex.Message}";
            return null;
        }
    }

    public void Save(CloudflareRangeList list)
    {
        AtomicFile.WriteAllBytes(Path, JsonSerializer.SerializeToUtf8Bytes(new CacheFile(list.ConfirmedAt, [.. list.Sources]), CacheJson.Default.CacheFile));
    }
}
