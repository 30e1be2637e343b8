using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using EdgeProxy.Common;

namespace EdgeProxy.Hosting;

/// <summary>What <c>--help</c> and <c>--version</c> print (docs/command-line.md says the same at more length).</summary>
internal static class CommandLineUsage
{
    public const int UsageExitCode = 2;

    public static string Help => $"""
        Usage: edgeproxy [--config PATH] [--check] [--Section:Key=VALUE ...]
               edgeproxy keys generate --path DIR
               edgeproxy --probe URL
               edgeproxy --help | --version

        Options:
          --config PATH             the configuration file (default: ${EdgeProxyCommandLine.ConfigEnvironmentVariable}, else
                                    ./{EdgeProxyCommandLine.DefaultConfigFileName}, else the nearest one above the executable)
          --check, -t               validate the configuration (file, environment, command line) and exit; never listens
          --Section:Key=VALUE       override one configuration key, e.g. --EdgeProxy:Admin:Url=http://127.0.0.1:9902
                                    (also --Section:Key VALUE); environment: EdgeProxy__Admin__Url=...
          --probe URL               GET URL, exit 0 on a 2xx answer, else 1 (container health check)
          keys generate --path DIR  write a data-protection key (90 days) into DIR for a read-only key ring
                                    (EdgeProxy:DataProtection:KeysPath=DIR, GenerateKeys=false); does not start the proxy
          --help, -h                this text
          --version, -v             versions of EdgeProxy, .NET, YARP and OpenSSL

        Environment:
          {EdgeProxyCommandLine.ConfigEnvironmentVariable}          the configuration file when --config is not given

        Exit codes:
          0  served and stopped cleanly (SIGTERM/SIGINT), configuration valid (--check), or help/version/keys done
          1  configuration not valid, a listener could not bind, or a failed probe/key generation
          2  command line not understood (nothing read, nothing listened)
        """;

    public static string Version() =>
        $"""
        EdgeProxy {InformationalVersion(typeof(CommandLineUsage).Assembly)}
        .NET {Environment.Version} ({RuntimeInformation.RuntimeIdentifier})
        YARP {InformationalVersion(typeof(Yarp.ReverseProxy.Forwarder.IHttpForwarder).Assembly)}
        OpenSSL {OpenSslVersion()}
        """;

    /// <summary>The informational version without the source-link commit suffix, else the assembly version.</summary>
    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } version
            ? version.Split('+')[0]
            : assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// The OpenSSL library .NET loaded, from its OPENSSL_VERSION_NUMBER (0xMNN00PP0L since 3.0, 0xMNNFFPPS before): no
    /// reflection, so the native build prints it too. Loading OpenSSL here is harmless: --version never serves.
    /// </summary>
    private static string OpenSslVersion()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD())
        {
            return "not used on this platform";
        }

        try
        {
            var number = SafeEvpPKeyHandle.OpenSslVersion;
            var major = (number >> 28) & 0xF;
            var minor = (number >> 20) & 0xFF;
            var patch = major >= 3 ? (number >> 4) & 0xFF : (number >> 12) & 0xFF;
            return $"{major}.{minor}.{patch} (0x{number:x})";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or CryptographicException)
        {
            return $"not found ({ex.Message})";
        }
    }
}
