namespace EdgeProxy.Common;

/// <summary>Process-wide settings under <c>EdgeProxy</c> that belong to no single feature.</summary>
internal sealed class EdgeProxyOptions
{
    public const string SectionName = "EdgeProxy";

    /// <summary>
    /// Where the proxy keeps what it makes for itself (first-run certificate, TLS policy file, range and OCSP caches);
    /// relative paths are resolved against the configuration file's folder (see <see cref="DataDirectory"/>).
    /// </summary>
    public string DataPath { get; set; } = DefaultDataPath;

    public const string DefaultDataPath = "data";
}
