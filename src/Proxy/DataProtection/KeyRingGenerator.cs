using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace EdgeProxy.DataProtection;

/// <summary>
/// <c>keys generate --path DIR</c>: writes one key into a directory for a read-only key ring
/// (<c>EdgeProxy:DataProtection:KeysPath</c> with <c>GenerateKeys: false</c>, e.g. a Kubernetes Secret), with the
/// application name the proxy uses, without building or starting the proxy.
/// </summary>
internal static class KeyRingGenerator
{
    /// <summary>ASP.NET Core's default key lifetime; the proxy refuses a read-only ring once its newest key has expired.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    /// <summary>Creates the key, active at once (replicas read it at start, no propagation delay is needed); returns what to print.</summary>
    public static string Generate(string directory, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddDataProtection()
            .SetApplicationName(KeyRingOptions.ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(directory));
        using var provider = services.BuildServiceProvider();
        var now = time.GetUtcNow();
        var key = provider.GetRequiredService<IKeyManager>().CreateNewKey(now, now + Lifetime);
        return $"wrote data-protection key {key.KeyId} to {directory} (expires {key.ExpirationDate.ToString("u", CultureInfo.InvariantCulture)}); " +
               $"set {KeyRingOptions.SectionName}:KeysPath to that directory and GenerateKeys to false";
    }
}
