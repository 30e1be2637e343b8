namespace EdgeProxy.DataProtection;

/// <summary>
/// <c>EdgeProxy:DataProtection</c>: where the ASP.NET Core key ring lives. YARP protects its <c>Cookie</c> and
/// <c>CustomHeader</c> session-affinity values with it, so replicas that share the directory honour each other's
/// values, and a restarted proxy honours its own.
/// </summary>
internal sealed class KeyRingOptions
{
    public const string SectionName = "EdgeProxy:DataProtection";

    /// <summary>
    /// One name for every proxy: data protection isolates applications by name (by default the content root, which
    /// differs between machines and between test folders), and replicas must count as one application.
    /// </summary>
    public const string ApplicationName = "EdgeProxy";

    /// <summary>The key ring's directory, relative to the configuration file; null keeps ASP.NET Core's default store.</summary>
    public string? KeysPath { get; set; }

    /// <summary>
    /// True: the proxy creates and rotates keys in <see cref="KeysPath"/> (writable, shared volume). False: the
    /// directory is read-only (a mounted Secret) and must already hold a key that has not expired.
    /// </summary>
    public bool GenerateKeys { get; set; } = true;

    /// <summary>How long a key the proxy makes is used for new values (ASP.NET Core's default: 90 days; at least 7).</summary>
    public TimeSpan? KeyLifetime { get; set; }

    public static readonly TimeSpan MinimumKeyLifetime = TimeSpan.FromDays(7);

    /// <summary>The key ring's full path, or null when <see cref="KeysPath"/> is not set.</summary>
    public string? ResolveKeysPath(string configFolder) =>
        string.IsNullOrWhiteSpace(KeysPath) ? null : Path.GetFullPath(KeysPath, configFolder);
}
