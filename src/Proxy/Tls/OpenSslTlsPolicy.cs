using System.Runtime.InteropServices;
using EdgeProxy.Common;

namespace EdgeProxy.Tls;

/// <summary>
/// Enforces the TLS policy through OpenSSL's <c>system_default</c> configuration. .NET's CipherSuitesPolicy would also
/// enforce it but turns the server's TLS session cache off on Linux (no resumption); an OpenSSL configuration keeps
/// it. OpenSSL reads <c>OPENSSL_CONF</c> once, when .NET first initialises it, so this runs first thing in
/// <c>Program</c>, before anything touches cryptography, and sets the variable in the native environment (the
/// managed <c>Environment.SetEnvironmentVariable</c> does not reach OpenSSL).
/// </summary>
internal static partial class OpenSslTlsPolicy
{
    public const string FileName = "openssl-tls-policy.cnf";

    /// <summary>The configuration file in effect in this process, or null when the policy was not applied here.</summary>
    public static string? AppliedFile { get; private set; }

    /// <summary>Writes the OpenSSL configuration for the configured policy and points OpenSSL at it. Returns what is wrong instead.</summary>
    public static IReadOnlyList<string> ApplyBeforeFirstUse(EdgeProxyCommandLine command, ConfigFile file)
    {
        if (file.JsonError is not null)
        {
            return []; // start-up validation reports the file itself
        }

        if (!OperatingSystem.IsLinux())
        {
            return [$"{TlsOptions.SectionName}: the TLS policy is enforced through OpenSSL, which .NET uses only on Linux; {RuntimeInformation.OSDescription} is not supported"];
        }

        var configuration = new ConfigurationBuilder().AddEdgeProxySources(command, file).Build();
        TlsOptions options;
        try
        {
            options = configuration.GetSection(TlsOptions.SectionName).Get<TlsOptions>() ?? new TlsOptions();
        }
        catch (InvalidOperationException ex)
        {
            // A value the binder cannot convert (a misspelt profile): the strict check's message names the file, the key
            // and the allowed values; the binder's names neither file nor choices.
            var strict = new StrictConfigCheck([new ConfigSchemaSection(TlsOptions.SectionName, ConfigSchema.Of<TlsOptions>())]).Check(configuration, file.Path).Errors
                .Where(error => error.Contains($": {TlsOptions.SectionName}:", StringComparison.Ordinal)).ToList();
            return strict.Count > 0 ? strict : [$"{file.Path}: {ex.Message}"];
        }

        var policy = TlsPolicy.Resolve(options, out var errors);
        if (policy is null)
        {
            return errors;
        }

        var path = DataDirectory.From(configuration[$"{EdgeProxyOptions.SectionName}:DataPath"], Path.GetDirectoryName(command.ConfigPath)!).Resolve(FileName);
        try
        {
            AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(policy.ToOpenSslConfig()));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [$"{EdgeProxyOptions.SectionName}:DataPath: cannot write the TLS policy file {path}: {ex.Message}"];
        }

        if (SetEnvironmentVariable("OPENSSL_CONF", path, 1) != 0)
        {
            return [$"{TlsOptions.SectionName}: could not set OPENSSL_CONF for the TLS policy"];
        }

        AppliedFile = path;
        return [];
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironmentVariable(string name, string value, int overwrite);
}
