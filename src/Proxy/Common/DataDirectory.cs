namespace EdgeProxy.Common;

/// <summary>
/// Where the proxy keeps what it makes for itself (first-run certificate, TLS policy file, range and OCSP caches):
/// <c>EdgeProxy:DataPath</c> resolved against the configuration file's folder.
/// </summary>
internal sealed record DataDirectory(string Path)
{
    public static DataDirectory From(string? dataPath, string configFolder) =>
        new(System.IO.Path.GetFullPath(dataPath ?? EdgeProxyOptions.DefaultDataPath, configFolder));

    /// <summary>A file or folder in the data directory; an absolute <paramref name="name"/> stays as it is.</summary>
    public string Resolve(string name) => System.IO.Path.GetFullPath(name, Path);
}
