namespace EdgeProxy.Common;

/// <summary>
/// EdgeProxy's own switches (<c>--config PATH</c>, <c>--check</c>, <c>--probe URL</c>) taken out of the command line; every other argument
/// is a configuration override in the usual .NET form (<c>--EdgeProxy:Admin:Url=http://127.0.0.1:9902</c>).
/// </summary>
internal sealed record EdgeProxyCommandLine(string ConfigPath, bool CheckOnly, string[] ConfigurationArguments, string? Error = null)
{
    public const string ConfigEnvironmentVariable = "EDGEPROXY_CONFIG";
    public const string DefaultConfigFileName = "appsettings.json";

    /// <summary>
    /// <c>--probe URL</c>: GET the URL and exit 0 on a 2xx answer, else 1 (a container health check where the image
    /// has no shell or curl). Needs no configuration file.
    /// </summary>
    public string? ProbeUrl { get; init; }

    public static EdgeProxyCommandLine Parse(string[] args, string? configFromEnvironment)
    {
        string? configPath = null;
        var check = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--check")
            {
                check = true;
            }
            else if (arg is "--probe")
            {
                return i + 1 < args.Length
                    ? new EdgeProxyCommandLine("", false, []) { ProbeUrl = args[i + 1] }
                    : new EdgeProxyCommandLine("", false, [], "--probe needs a URL");
            }
            else if (arg is "--config")
            {
                if (i + 1 >= args.Length)
                {
                    return new EdgeProxyCommandLine("", check, [], "--config needs a file path");
                }

                configPath = args[++i];
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                configPath = arg["--config=".Length..];
            }
            else
            {
                rest.Add(arg);
            }
        }

        configPath ??= string.IsNullOrWhiteSpace(configFromEnvironment) ? FindDefaultConfigFile() : configFromEnvironment;
        configPath = Path.GetFullPath(configPath);
        var error = File.Exists(configPath) ? null : $"configuration file {configPath} does not exist";
        return new EdgeProxyCommandLine(configPath, check, [.. rest], error);
    }

    /// <summary>
    /// <c>appsettings.json</c> in the current directory, else the nearest one above the executable
    /// (a published proxy keeps it beside the binary; a built one finds the repository's).
    /// </summary>
    private static string FindDefaultConfigFile()
    {
        var inCurrentDirectory = Path.Combine(Directory.GetCurrentDirectory(), DefaultConfigFileName);
        if (File.Exists(inCurrentDirectory))
        {
            return inCurrentDirectory;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultConfigFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return inCurrentDirectory;
    }
}
