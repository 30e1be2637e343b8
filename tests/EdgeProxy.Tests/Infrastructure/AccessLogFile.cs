using System.Text.Json;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>Reads the access log file a proxy under test writes (<c>EdgeProxy:AccessLog:File</c>), one JSON record per line.</summary>
public static class AccessLogFile
{
    public static string[] Lines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            // Only whole lines: the writer may be half-way through one.
            var end = text.LastIndexOf('\n');
            return end < 0 ? [] : text[..end].Split('\n');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>Waits (bounded) for a record that <paramref name="match"/> accepts; fails with every line read.</summary>
    public static async Task<JsonElement> WaitForRecordAsync(string path, Func<JsonElement, bool> match, double seconds = 10)
    {
        JsonElement? found = null;
        var held = await Eventually.HoldsAsync(() =>
        {
            foreach (var line in Lines(path))
            {
                var record = JsonDocument.Parse(line).RootElement.Clone();
                if (match(record))
                {
                    found = record;
                    return Task.FromResult(true);
                }
            }

            return Task.FromResult(false);
        }, TimeSpan.FromSeconds(seconds));
        Assert.True(held, "no matching record in:\n" + string.Join("\n", Lines(path)));
        return found!.Value;
    }

    public static string Text(this JsonElement record, string name) => record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
