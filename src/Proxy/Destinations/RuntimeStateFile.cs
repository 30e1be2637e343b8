using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeProxy.Common;

namespace EdgeProxy.Destinations;

/// <summary>
/// <c>DataPath/runtime-state.json</c>, like HAProxy's <c>server-state-file</c>: the destinations not ready, written
/// atomically on every change and read at start.
/// </summary>
internal sealed partial class RuntimeStateFile(DataDirectory data)
{
    public const string FileName = "runtime-state.json";

    internal sealed record FileContent(int Version, List<FileEntry> Destinations);

    internal sealed record FileEntry(string Cluster, string Destination, RuntimeState State, DateTimeOffset ChangedAt, string? ChangedBy);

    // Source-generated, so the native (AOT) build reads and writes the file without reflection.
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
    [JsonSerializable(typeof(FileContent))]
    private sealed partial class FileJson : JsonSerializerContext;

    public string Path { get; } = data.Resolve(FileName);

    /// <summary>The saved states; empty when there is no file. Throws (with the reason) when the file is unusable.</summary>
    public Dictionary<(string Cluster, string Destination), RuntimeStateEntry> Load()
    {
        var states = new Dictionary<(string, string), RuntimeStateEntry>();
        if (!File.Exists(Path))
        {
            return states;
        }

        var content = JsonSerializer.Deserialize(File.ReadAllBytes(Path), FileJson.Default.FileContent)
            ?? throw new JsonException("the file holds null");
        foreach (var entry in content.Destinations ?? [])
        {
            if (string.IsNullOrEmpty(entry.Cluster) || string.IsNullOrEmpty(entry.Destination) || !Enum.IsDefined(entry.State))
            {
                throw new JsonException("an entry lacks its cluster, destination or state");
            }

            states[(entry.Cluster, entry.Destination)] = new RuntimeStateEntry(entry.State, entry.ChangedAt, entry.ChangedBy ?? "");
        }

        return states;
    }

    public void Save(IEnumerable<KeyValuePair<(string Cluster, string Destination), RuntimeStateEntry>> states)
    {
        var content = new FileContent(1, [.. states
            .Where(s => s.Value.State != RuntimeState.Ready)
            .OrderBy(s => s.Key.Cluster, StringComparer.Ordinal).ThenBy(s => s.Key.Destination, StringComparer.Ordinal)
            .Select(s => new FileEntry(s.Key.Cluster, s.Key.Destination, s.Value.State, s.Value.ChangedAt, s.Value.ChangedBy))]);
        AtomicFile.WriteAllBytes(Path, JsonSerializer.SerializeToUtf8Bytes(content, FileJson.Default.FileContent));
    }
}
