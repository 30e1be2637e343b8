namespace EdgeProxy.ReverseProxy;

internal sealed class ConfigFileWatcherOptions
{
    public const string SectionName = "EdgeProxy:Config";

    /// <summary>How long to wait after a change notice before reading the file, so an editor's several writes count as one.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The file is also read this often and reloaded if its content changed: a safety net where file notices are lost
    /// (network file systems, symlink swaps as in Kubernetes ConfigMaps).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
